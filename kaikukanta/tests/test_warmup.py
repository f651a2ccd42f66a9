"""A web process's start-up warm-up (kaikukanta/warmup.py, called by kaikukanta/wsgi.py)."""

import importlib

from django.template import engines

from kaikukanta import warmup


def _cached_names() -> set[str]:
    loader = engines["django"].engine.template_loaders[0]
    return {key.split("-")[0] for key in loader.get_template_cache}


def test_every_project_template_compiles_into_the_cached_loader(caplog):
    engines["django"].engine.template_loaders[0].reset()
    assert "reports/dashboard.html" not in _cached_names()

    done = warmup.warm_up()

    names = warmup.template_names()
    assert done["templates"] == len(names) > 100
    assert {"reports/dashboard.html", "counter/counter.html", "public/mobile.html"} <= set(names)
    assert set(names) <= _cached_names()
    assert "not compiled" not in caplog.text


def test_the_wsgi_module_warms_the_process_up(monkeypatch):
    import kaikukanta.wsgi

    calls = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append("warm") or {})
    importlib.reload(kaikukanta.wsgi)
    assert calls == ["warm"]
    assert callable(kaikukanta.wsgi.application)
