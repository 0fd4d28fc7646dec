"""common.db.PerRow: one UPDATE gives each listed row its own value (the certificate batch records its files
and hashes this way), with the values as parameters, never as SQL."""

import pytest
from django.db.models import CharField

from accounts.models import Economy
from common.db import PerRow
from tests.factories import economy

pytestmark = pytest.mark.django_db


def test_each_listed_row_gets_its_own_value_and_the_others_keep_theirs():
    lk, th, vn = economy("LK"), economy("TH"), economy("VN")
    values = {
        lk.pk: "Sri Lanka'); DROP TABLE accounts_economy; --",
        th.pk: "100% ไทย \\ %s",
    }
    Economy.objects.filter(pk__in=values).update(name=PerRow(values, output_field=CharField()))

    names = dict(Economy.objects.filter(pk__in=[lk.pk, th.pk, vn.pk]).values_list("pk", "name"))
    assert names == {lk.pk: values[lk.pk], th.pk: values[th.pk], vn.pk: vn.name}
    assert Economy.objects.count() == 21


def test_no_rows_is_refused_before_any_sql():
    with pytest.raises(ValueError, match="at least one"):
        PerRow({}, output_field=CharField())
