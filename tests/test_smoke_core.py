from desk.services.businesses import BusinessInput


def test_business_roundtrip(desk):
    b = desk.businesses.create(BusinessInput(name="太和县华联超市", credit_code="91350100M000100Y43"))
    assert desk.businesses.search("华联")[0].id == b.id
