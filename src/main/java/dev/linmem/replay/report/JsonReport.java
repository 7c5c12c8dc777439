package dev.linmem.replay.report;

import dev.linmem.replay.ReplayReport;
import dev.linmem.replay.TargetResult;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON report, schema version {@value #SCHEMA_VERSION}, documented in docs/cli.md and kept
 * stable: members are only ever added, never renamed or removed. One trace gives one object;
 * several give an array of such objects in the order the traces were given.
 *
 * <pre>
 * {"schemaVersion":1, "trace":..., "format":..., "addressSpace":..., "events":N, "parseNanos":N,
 *  "targets":[{"name":..., "description":..., "eventsReplayed":N, "eventsSkipped":N,
 *              "peakLinearBytes":N, "peakLinearPages":N, "peakLiveBytes":N, "overhead":X,
 *              "failedCalls":{"EINVAL":N,...}, "leakedBytes":N, "copiedBytes":N,
 *              "clearedBytes":N, "inPlaceKept":N, "inPlaceLost":N, "outOfMemoryEvents":N,
 *              "replayNanos":N, "nsPerEvent":X}, ...]}
 * </pre>
 *
 * <p>{@code N} are integers, {@code X} decimals ({@code null} when undefined, such as the overhead
 * of a trace that never held a live byte).
 */
final class JsonReport implements ReportWriter {

    /** The version of the schema above; raised only if a member ever changes meaning. */
    static final int SCHEMA_VERSION = 1;

    @Override
    public void write(List<ReplayReport> reports, Appendable out) throws IOException {
        Json json = Json.pretty(out);
        if (reports.size() == 1) {
            writeReport(json, reports.get(0));
        } else {
            json.beginArray();
            for (ReplayReport report : reports) {
                writeReport(json, report);
            }
            json.endArray();
        }
        out.append('\n');
    }

    /** Writes one trace's report object. */
    static void writeReport(Json json, ReplayReport report) {
        json.beginObject()
                .member("schemaVersion", SCHEMA_VERSION)
                .member("trace", report.trace())
                .member("format", report.format())
                .member("addressSpace", report.addressSpace())
                .member("events", report.events())
                .member("parseNanos", report.parseNanos())
                .name("targets").beginArray();
        for (TargetResult t : report.targets()) {
            writeTarget(json, t);
        }
        json.endArray().endObject();
    }

    private static void writeTarget(Json json, TargetResult t) {
        json.beginObject()
                .member("name", t.name())
                .member("description", t.description())
                .member("eventsReplayed", t.eventsReplayed())
                .member("eventsSkipped", t.eventsSkipped())
                .member("peakLinearBytes", t.peakLinearBytes())
                .member("peakLinearPages", t.peakLinearPages())
                .member("peakLiveBytes", t.peakLiveBytes())
                .member("overhead", t.overhead())
                .name("failedCalls").beginObject();
        for (Map.Entry<String, Long> e : t.failedCalls().entrySet()) {
            json.member(e.getKey(), e.getValue());
        }
        json.endObject()
                .member("leakedBytes", t.leakedBytes())
                .member("copiedBytes", t.copiedBytes())
                .member("clearedBytes", t.clearedBytes())
                .member("inPlaceKept", t.inPlaceKept())
                .member("inPlaceLost", t.inPlaceLost())
                .member("outOfMemoryEvents", t.outOfMemoryEvents())
                .member("replayNanos", t.replayNanos())
                .member("nsPerEvent", t.nsPerEvent())
                .endObject();
    }
}
