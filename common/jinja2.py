"""The environment of the few templates under jinja2/ (the Jinja2 backend in settings.TEMPLATES), the supported
fast path for a table whose cells Django's template engine draws too slowly (docs/architecture.md): Django's
`url` as `{{ url("app:name", arg, ...) }}`, and an error for any name a template misspells."""

from django.urls import reverse

from jinja2 import Environment, StrictUndefined


def environment(**options) -> Environment:
    options["undefined"] = StrictUndefined
    env = Environment(**options)
    env.globals["url"] = lambda name, *args: reverse(name, args=args)
    return env
