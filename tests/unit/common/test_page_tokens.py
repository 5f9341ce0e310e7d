from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.common.page_tokens import PageTokens, scope_of

TOKENS = PageTokens(b"test-secret")


class TestPageTokens:
    def test_a_token_gives_back_its_position_for_the_same_query(self) -> None:
        scope = scope_of("search", "python")
        assert TOKENS.read(TOKENS.issue(scope, [-3.5, 12]), scope) == [-3.5, 12]

    def test_a_token_from_another_query_is_refused_on_page_token(self) -> None:
        token = TOKENS.issue(scope_of("search", "python"), [1, 2])
        with pytest.raises(InvalidArgument) as error:
            TOKENS.read(token, scope_of("search", "java"))
        assert error.value.violations[0].field == "page_token"

    def test_a_tampered_token_is_refused(self) -> None:
        scope = scope_of("q")
        token = TOKENS.issue(scope, [1, 2])
        payload, signature = token.split(".")
        forged = PageTokens(b"other").issue(scope, [0, 0]).split(".")[0]
        with pytest.raises(InvalidArgument):
            TOKENS.read(f"{forged}.{signature}", scope)
        with pytest.raises(InvalidArgument):
            TOKENS.read(payload, scope)

    def test_garbage_is_refused_not_crashed_on(self) -> None:
        with pytest.raises(InvalidArgument):
            TOKENS.read("%%%.!!!", scope_of("q"))
