async def test_health(api):
    r = await api.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
