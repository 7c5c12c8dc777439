package dev.linmem.replay.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void quoteEscapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.quote("plain")).isEqualTo("\"plain\"");
        assertThat(Json.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(Json.quote("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
        assertThat(Json.quote("\u0000\u0001\u001f")).isEqualTo("\"\\u0000\\u0001\\u001f\"");
        assertThat(Json.quote("\u007f é 😀")).isEqualTo("\"\u007f é 😀\"");
    }

    @Test
    void quoteKeepsTheLiteralSafeInsideAScriptElement() {
        assertThat(Json.quote("</script>")).isEqualTo("\"<\\/script>\"");
        assertThat(Json.quote("a/b")).isEqualTo("\"a/b\"");
        assertThat(Json.quote("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
    }

    @Test
    void compactWriterSeparatesMembersAndElements() {
        StringBuilder sb = new StringBuilder();
        Json.compact(sb).beginObject()
                .member("s", "x").member("n", -3).member("d", 1.5)
                .name("a").beginArray().value(1).value(true).nullValue().beginObject().endObject().endArray()
                .name("e").beginArray().endArray()
                .endObject();
        assertThat(sb).hasToString("{\"s\":\"x\",\"n\":-3,\"d\":1.5,\"a\":[1,true,null,{}],\"e\":[]}");
    }

    @Test
    void nonFiniteDoublesBecomeNull() {
        StringBuilder sb = new StringBuilder();
        Json.compact(sb).beginArray().value(Double.NaN).value(Double.NEGATIVE_INFINITY).value(0.25).endArray();
        assertThat(sb).hasToString("[null,null,0.25]");
    }

    @Test
    void prettyWriterIndentsOneMemberPerLine() {
        StringBuilder sb = new StringBuilder();
        Json.pretty(sb).beginObject().member("a", 1).name("b").beginArray().value("x").endArray()
                .name("c").beginObject().endObject().endObject();
        assertThat(sb).hasToString("{\n  \"a\": 1,\n  \"b\": [\n    \"x\"\n  ],\n  \"c\": {}\n}");
    }

    @Test
    void grammarViolationsThrowBeforeWriting() {
        StringBuilder sb = new StringBuilder();
        Json json = Json.compact(sb).beginObject();
        assertThatThrownBy(() -> json.value(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(json::endArray).isInstanceOf(IllegalStateException.class);
        json.name("k");
        assertThatThrownBy(() -> json.name("k2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(json::endObject).isInstanceOf(IllegalStateException.class);
        json.value(2).endObject();
        assertThatThrownBy(() -> json.value(3)).isInstanceOf(IllegalStateException.class);
        assertThat(sb).hasToString("{\"k\":2}");
        StringBuilder array = new StringBuilder();
        Json inArray = Json.compact(array).beginArray();
        assertThatThrownBy(() -> inArray.name("k")).isInstanceOf(IllegalStateException.class);
    }
}
