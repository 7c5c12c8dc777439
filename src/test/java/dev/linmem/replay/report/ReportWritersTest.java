package dev.linmem.replay.report;

import dev.linmem.replay.PeakMap;
import dev.linmem.replay.ReplayReport;
import dev.linmem.replay.TargetResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWritersTest {

    private static final ReplayReport REPORT = SampleReports.twoTargets();

    @Test
    @SuppressWarnings("unchecked")
    void jsonFollowsTheDocumentedSchemaInOrder() {
        String text = ReportFormat.JSON.writer().render(List.of(REPORT));
        Map<String, Object> root = (Map<String, Object>) MiniJsonParser.parse(text);
        assertThat(root.keySet()).containsExactly(
                "schemaVersion", "trace", "format", "addressSpace", "events", "parseNanos", "targets");
        assertThat(root).containsEntry("schemaVersion", 1L)
                .containsEntry("trace", "php-strings-nomremap.strace")
                .containsEntry("format", "strace")
                .containsEntry("addressSpace", "pid 16616")
                .containsEntry("events", 21_345L)
                .containsEntry("parseNanos", 85_200_000L);
        List<Object> targets = (List<Object>) root.get("targets");
        assertThat(targets).hasSize(2);
        Map<String, Object> leaky = (Map<String, Object>) targets.get(1);
        assertThat(leaky.keySet()).containsExactly(
                "name", "description", "eventsReplayed", "eventsSkipped", "peakLinearBytes", "peakLinearPages",
                "peakLiveBytes", "overhead", "failedCalls", "leakedBytes", "copiedBytes", "clearedBytes",
                "inPlaceKept", "inPlaceLost", "outOfMemoryEvents", "replayNanos", "nsPerEvent");
        TargetResult expected = REPORT.targets().get(1);
        assertThat(leaky).containsEntry("name", "leaky \"quoted\"")
                .containsEntry("description", "fails partial munmaps <and> leaks & copies")
                .containsEntry("eventsReplayed", 21_000L)
                .containsEntry("eventsSkipped", 345L)
                .containsEntry("peakLinearBytes", expected.peakLinearBytes())
                .containsEntry("peakLinearPages", expected.peakLinearPages())
                .containsEntry("peakLiveBytes", expected.peakLiveBytes())
                .containsEntry("overhead", expected.overhead())
                .containsEntry("leakedBytes", expected.leakedBytes())
                .containsEntry("copiedBytes", expected.copiedBytes())
                .containsEntry("clearedBytes", expected.clearedBytes())
                .containsEntry("inPlaceKept", 4222L)
                .containsEntry("inPlaceLost", 13L)
                .containsEntry("outOfMemoryEvents", 2L)
                .containsEntry("replayNanos", 4_460_000L)
                .containsEntry("nsPerEvent", 212.38);
        Map<String, Object> failed = (Map<String, Object>) leaky.get("failedCalls");
        assertThat(failed.keySet()).containsExactly("ENOMEM", "EINVAL");
        assertThat(failed).containsEntry("ENOMEM", 13L).containsEntry("EINVAL", 17L);
        assertThat(((Map<String, Object>) targets.get(0)).get("failedCalls")).isEqualTo(Map.of());
    }

    @Test
    @SuppressWarnings("unchecked")
    void severalTracesMakeAJsonArrayAndAnUndefinedOverheadIsNull() {
        TargetResult t = REPORT.targets().get(0);
        TargetResult undefined = new TargetResult(t.name(), t.description(), 0, 0, 0, 0, 0, Double.NaN, Map.of(), 0, 0,
                0, 0, 0, 0, 0, Double.NaN, List.of(), PeakMap.empty(4096));
        ReplayReport second = new ReplayReport("empty\ttrace\u0001.malloc", "malloc", "tid 1", 0, 0, List.of(undefined));
        String text = ReportFormat.JSON.writer().render(List.of(REPORT, second));
        List<Object> reports = (List<Object>) MiniJsonParser.parse(text);
        assertThat(reports).hasSize(2);
        Map<String, Object> root = (Map<String, Object>) reports.get(1);
        assertThat(root).containsEntry("trace", "empty\ttrace\u0001.malloc");
        Map<String, Object> target = (Map<String, Object>) ((List<Object>) root.get("targets")).get(0);
        assertThat(target).containsEntry("overhead", null).containsEntry("nsPerEvent", null);
        assertThat(text).contains("\"empty\\ttrace\\u0001.malloc\"");
    }

    @Test
    void csvHasAHeaderAndOneQuotedWhereNeededRowPerTarget() {
        String text = ReportFormat.CSV.writer().render(List.of(REPORT));
        String[] lines = text.split("\n", -1);
        assertThat(lines).hasSize(4);
        assertThat(lines[3]).isEmpty();
        assertThat(lines[0]).isEqualTo(String.join(",", CsvReport.COLUMNS));
        assertThat(lines[1]).startsWith("php-strings-nomremap.strace,strace,pid 16616,21345,85200000,good,"
                + "keeps every growth in place,21000,345," + (52 * SampleReports.MIB) + ",832,");
        assertThat(lines[2]).contains(",\"leaky \"\"quoted\"\"\",fails partial munmaps <and> leaks & copies,")
                .contains(",30,ENOMEM=13;EINVAL=17,");
        assertThat(lines[2].split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")).hasSize(CsvReport.COLUMNS.size());
    }

    @Test
    void csvFieldsAreQuotedOnlyWhenTheyMustBe() {
        assertThat(Csv.field("plain")).isEqualTo("plain");
        assertThat(Csv.field("")).isEqualTo("");
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.field("cr\r")).isEqualTo("\"cr\r\"");
        assertThat(Csv.field(" padded")).isEqualTo("\" padded\"");
        assertThat(Csv.row(List.of("a", "b,c", ""))).isEqualTo("a,\"b,c\",");
    }

    @Test
    void htmlEscapesTheFiveSpecialCharacters() {
        assertThat(Html.escape("plain text")).isEqualTo("plain text");
        assertThat(Html.escape("<a href=\"x\">'&'</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    @Test
    void tableAlignsColumnsAndUsesHumanUnits() {
        String text = ReportFormat.TABLE.writer().render(List.of(REPORT));
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).isEqualTo("php-strings-nomremap.strace  (strace, address space pid 16616, "
                + "21,345 events, read in 85.20 ms)");
        String header = lines.get(2);
        String rule = lines.get(3);
        String good = lines.get(4);
        String leaky = lines.get(5);
        assertThat(header).startsWith("target  ").contains("peak linear", "overhead", "failed calls");
        assertThat(rule).matches("[- ]+");
        assertThat(good).startsWith("good ").contains("52.00 MiB", "50.00 MiB", "1.04", "4,235", "212.4 ns");
        assertThat(leaky).startsWith("leaky \"quoted\"").contains("3.00 GiB", "61.44", "96.00 MiB",
                "2.00 GiB", "ENOMEM 13, EINVAL 17", "4.46 ms");
        // Right-aligned number columns end where the header's column ends.
        int peakLinearEnd = header.indexOf("peak linear") + "peak linear".length();
        assertThat(good.substring(0, peakLinearEnd)).endsWith("52.00 MiB");
        assertThat(leaky.substring(0, peakLinearEnd)).endsWith(" 3.00 GiB");
        // Every dash run of the rule lines up under its header cell.
        assertThat(rule.length()).isEqualTo(header.length());
        assertThat(lines).noneMatch(line -> line.endsWith(" "));
        assertThat(text).contains("  leaky \"quoted\"  fails partial munmaps <and> leaks & copies");
    }

    @Test
    void textTableRejectsRaggedRows() {
        TextTable table = new TextTable(List.of("a", "b"), List.of(TextTable.Align.LEFT, TextTable.Align.RIGHT));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> table.addRow(List.of("x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(table.addRow(List.of("xyz", "1")).render()).isEqualTo("a    b\n---  -\nxyz  1\n");
    }
}
