"""The signers reproduce the worked examples of the research note (golden vectors), and
so do the fake servers' own, independently written verifiers."""

from __future__ import annotations

from reviewbot.platforms.dianping.signing import dianping_sign
from reviewbot.platforms.eleme.signing import eleme_signature
from reviewbot.platforms.meituan.signing import legacy_base, legacy_sig, ng_base, ng_sign
from tests.fakes import dianping as fake_dianping
from tests.fakes import eleme as fake_eleme
from tests.fakes import meituan as fake_meituan

MEITUAN_URL = "https://waimaiopen.meituan.com/api/v1/comment/query"
MEITUAN_PARAMS = {
    "app_id": "1234",
    "timestamp": "1700000000",
    "app_poi_code": "store_001",
    "start_time": "20231101",
    "end_time": "20231113",
    "pageoffset": "0",
    "pagesize": "20",
    "replyStatus": "-1",
}
NG_PARAMS = {
    "developerId": "100001",
    "businessId": "2",
    "timestamp": "1700000000",
    "charset": "UTF-8",
    "version": "2",
    "appAuthToken": "tok123",
    "biz": '{"startTime":"2023-11-01","endTime":"2023-11-13","offset":0,"limit":20}',
}
ELEME_PARAMS = {
    "shopId": "123456",
    "startTime": "2023-11-01T00:00:00",
    "endTime": "2023-11-13T00:00:00",
    "offset": 0,
    "pageSize": 20,
}
DIANPING_PARAMS = {
    "app_key": "1000069",
    "session": "sess123",
    "sign_method": "MD5",
    "format": "json",
    "v": "1",
    "timestamp": "2023-11-13 10:00:00",
    "open_shop_uuid": "abc",
    "begintime": "2023-11-01 00:00:00",
    "endtime": "2023-11-13 00:00:00",
    "star": "1",
    "platform": "1",
    "offset": "1",
    "limit": "20",
}


def test_meituan_legacy_md5_sig():
    assert legacy_base(MEITUAN_URL, MEITUAN_PARAMS, "test_secret") == (
        "https://waimaiopen.meituan.com/api/v1/comment/query?app_id=1234&app_poi_code=store_001"
        "&end_time=20231113&pageoffset=0&pagesize=20&replyStatus=-1&start_time=20231101"
        "&timestamp=1700000000test_secret"
    )
    assert legacy_sig(MEITUAN_URL, MEITUAN_PARAMS, "test_secret") == (
        "c93ed84232aab3e84e006befcbab6d29"
    )
    assert fake_meituan.legacy_signature(MEITUAN_URL, MEITUAN_PARAMS, "test_secret") == (
        "c93ed84232aab3e84e006befcbab6d29"
    )


def test_meituan_new_gateway_sha1_sign():
    assert ng_base("signkey123", NG_PARAMS) == (
        'signkey123appAuthTokentok123biz{"startTime":"2023-11-01","endTime":"2023-11-13",'
        '"offset":0,"limit":20}businessId2charsetUTF-8developerId100001timestamp1700000000version2'
    )
    assert ng_sign("signkey123", NG_PARAMS) == "12f4451f8c811deb9af215381ec8b03e915bab09"
    assert ng_sign("signkey123", {**NG_PARAMS, "empty": "", "sign": "x"}) == (
        "12f4451f8c811deb9af215381ec8b03e915bab09"  # empty values and `sign` are skipped
    )
    assert fake_meituan.ng_signature("signkey123", NG_PARAMS) == (
        "12f4451f8c811deb9af215381ec8b03e915bab09"
    )


def test_eleme_uppercase_md5_signature():
    metas = {"app_key": "appkey1", "timestamp": 1700000000}
    action = "eleme.ugc.getOrderRatesByShopId"
    expected = "C84AB12C1D8BDCE9E73A8D9DC99FE124"
    assert eleme_signature(action, "access_tok", metas, ELEME_PARAMS, "ele_secret") == expected
    envelope = {"action": action, "token": "access_tok", "metas": metas, "params": ELEME_PARAMS}
    assert fake_eleme.signature(envelope, "ele_secret") == expected


def test_dianping_secret_wrapped_md5_sign():
    expected = "73b24e3800fba42efa970920dc55a568"
    assert dianping_sign(DIANPING_PARAMS, "dp_secret") == expected
    assert dianping_sign({**DIANPING_PARAMS, "unused": "", "none": None}, "dp_secret") == expected
    assert fake_dianping.signature(DIANPING_PARAMS, "dp_secret") == expected


def test_a_wrong_secret_or_value_changes_every_signature():
    assert legacy_sig(MEITUAN_URL, MEITUAN_PARAMS, "other") != "c93ed84232aab3e84e006befcbab6d29"
    moved = {**MEITUAN_PARAMS, "pageoffset": "20"}
    assert legacy_sig(MEITUAN_URL, moved, "test_secret") != "c93ed84232aab3e84e006befcbab6d29"
    other_url = MEITUAN_URL.replace("https", "http")  # the URL itself is signed
    assert legacy_sig(other_url, MEITUAN_PARAMS, "test_secret") != (
        "c93ed84232aab3e84e006befcbab6d29"
    )
