"""The JSON API: the same documents as the command line's --json, and errors as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from archive.cli.app import cli


def cli_json(home: Path, *args: str):
    result = CliRunner().invoke(cli, ["--home", str(home), *args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


SEARCHES = [
    ([], {}),
    (["missile"], {"q": "missile"}),
    (["missile", "--sort", "newest"], {"q": "missile", "sort": "newest"}),
    (["food", "OR", "software", "--limit", "3", "--page", "2"], {"q": "food OR software", "limit": "3", "page": "2"}),
    (["--site", "NPR", "--site", "Podium"], {"site": ["NPR", "Podium"]}),
    (["people", "--author", "Daryl Austin", "--since", "2010", "--until", "2026-06"],
     {"q": "people", "author": "Daryl Austin", "since": "2010", "until": "2026-06"}),
    (["--since", "2024-01", "--until", "2025-12-31", "--sort", "oldest"],
     {"since": "2024-01", "until": "2025-12-31", "sort": "oldest"}),
    (["--tag", "ponds", "--histogram", "month"], {"tag": "ponds", "histogram": "month"}),
    (["missle"], {"q": "missle"}),
    (['"missile defense"', "title:belarus"], {"q": '"missile defense" title:belarus'}),
]


@pytest.mark.parametrize(("args", "params"), SEARCHES, ids=[str(p) for _a, p in SEARCHES])
def test_api_search_is_exactly_what_archive_search_json_prints(client, web_home, args, params) -> None:
    response = client.get("/api/search?" + urlencode(params, doseq=True))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == cli_json(web_home, "search", *args)


def test_the_record_versions_diff_similar_and_stats_match_the_cli(client, web_home) -> None:
    hit = client.get("/api/search", params={"q": "Belarus Still Resisting"}).json()["hits"][0]
    article = hit["id"]
    assert client.get(f"/api/articles/{article}").json() == cli_json(web_home, "show", article)
    versions = client.get(f"/api/articles/{article}/versions").json()
    assert versions == cli_json(web_home, "show", article, "--versions")
    assert [v["version"] for v in versions] == [1, 2]
    diff = client.get(f"/api/articles/{article}/diff", params={"from": 1, "to": 2}).json()
    assert diff == cli_json(web_home, "diff", article, "--from", "1", "--to", "2")
    assert diff["changed"]["title"]["to"] == "Belarus Still Resisting Missile Deployment"
    assert any(line.startswith("+Updated: Russian officials") for line in diff["body_diff"])
    similar = client.get(f"/api/articles/{article}/similar", params={"limit": 3}).json()
    assert similar == cli_json(web_home, "similar", article, "--limit", "3")
    assert client.get("/api/stats").json() == cli_json(web_home, "stats")


def test_an_id_prefix_works_as_on_the_command_line(client) -> None:
    article = client.get("/api/search", params={"q": "missile"}).json()["hits"][0]["id"]
    assert client.get(f"/api/articles/{article[:8]}").json()["id"] == article


@pytest.mark.parametrize(("path", "status", "kind", "words"), [
    ("/api/search?q=%22unclosed", 200, None, None),
    ("/api/search?q=a*", 400, "bad_query", "too broad"),
    ("/api/search?page=0", 400, "bad_parameter", "page must be 1 or more"),
    ("/api/search?page=two", 400, "bad_parameter", "page must be a whole number"),
    ("/api/search?limit=1001", 400, "bad_parameter", "limit must be between 1 and 1000"),
    ("/api/search?limit=1000&page=101", 400, "bad_parameter", "page is too deep"),
    ("/api/search?sort=random", 400, "bad_parameter", "unknown sort 'random'"),
    ("/api/search?since=2016-13", 400, "bad_parameter", "since: not a date"),
    ("/api/search?since=2020&until=2010", 400, "bad_parameter", "since is after until"),
    ("/api/search?q=a&q=b", 400, "bad_parameter", "q is given more than once"),
    ("/api/search?autor=x", 400, "bad_parameter", "unknown parameter 'autor'"),
    ("/api/articles/0123456789abcdef", 404, "not_found", "no article with id"),
    ("/api/articles/..%2f..%2fetc%2fpasswd", 404, "not_found", None),
    ("/api/articles/zzzzzz", 404, "not_found", "is not an article id"),
    ("/api/articles/0123456789abcdef/diff?from=x", 400, "bad_parameter", "from must be a version number"),
    ("/api/articles/0123456789abcdef/similar?limit=0", 400, "bad_parameter", "limit must be between"),
    ("/api/stats?x=1", 400, "bad_parameter", "'x' is not a parameter here"),
    ("/api/nothing-here", 404, "not_found", "GET /api lists them"),
])
def test_errors_are_json_with_a_status_a_kind_and_a_message(client, path, status, kind, words) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    if kind is None:
        return
    error = response.json()["error"]
    assert error["kind"] == kind
    if words:
        assert words in error["message"]


def test_a_diff_naming_a_missing_version_is_404(client) -> None:
    article = client.get("/api/search", params={"q": "Belarus Still Resisting"}).json()["hits"][0]["id"]
    response = client.get(f"/api/articles/{article}/diff", params={"from": 1, "to": 7})
    assert response.status_code == 404
    assert "has no version 7 (it has 1, 2)" in response.json()["error"]["message"]


def test_bodies_and_methods_other_than_get_are_refused(client) -> None:
    posted = client.post("/api/search", content=b"q=missile")
    assert posted.status_code == 405 and posted.json()["error"]["kind"] == "method_not_allowed"
    assert posted.headers["allow"] == "GET, HEAD"
    with_body = client.request("GET", "/api/search", content=b"x" * 10)
    assert with_body.status_code == 413 and with_body.json()["error"]["kind"] == "body_not_allowed"
    assert client.head("/api/search?q=missile").status_code == 200


def test_api_describes_its_endpoints_as_openapi(client) -> None:
    doc = client.get("/api").json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {"/api/search", "/api/articles/{article_id}", "/api/articles/{article_id}/versions",
                                 "/api/articles/{article_id}/diff", "/api/articles/{article_id}/similar",
                                 "/api/articles/{article_id}/copies", "/api/watches", "/api/stats"}
    names = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "author", "site", "tag", "since", "until", "sort", "page", "limit", "histogram", "copies"} == names
    for path in doc["paths"]:  # every documented path answers
        concrete = path.replace("{article_id}", "0123456789abcdef")
        assert client.get(concrete).status_code in (200, 404)


def test_every_response_carries_the_security_headers(client) -> None:
    for path in ("/api/search?q=missile", "/", "/api/nothing", "/static/archive.css"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
