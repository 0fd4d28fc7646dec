from tests.clock import clock_fixture  # noqa: F401 (fixtures)
from tests.smtp_server import smtp_server  # noqa: F401
