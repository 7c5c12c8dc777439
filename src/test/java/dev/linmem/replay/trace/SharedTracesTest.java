package dev.linmem.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every shared trace read to the end, its format detected by content and its calls counted by
 * kind. The expected counts were taken independently with grep over the text files (for
 * example {@code grep -c ' mremap(' php-strings.strace}).
 */
class SharedTracesTest {

    private static Map<EventKind, Integer> counts(LoadedTrace t) {
        Map<EventKind, Integer> counts = new EnumMap<>(EventKind.class);
        for (TraceEvent e : t.events()) {
            counts.merge(e.kind(), 1, Integer::sum);
        }
        return counts;
    }

    private static LoadedTrace load(String name) throws Exception {
        return Trace.open(TraceFiles.shared(name)).load();
    }

    @Test
    void phpStringsStrace() throws Exception {
        LoadedTrace t = load("php-strings.strace");
        assertThat(t.format()).isEqualTo(TraceFormat.STRACE);
        assertThat(counts(t)).containsExactlyInAnyOrderEntriesOf(Map.of(
                EventKind.ADDRESS_SPACE_START, 1, EventKind.MMAP, 262, EventKind.MUNMAP, 167,
                EventKind.MREMAP, 4248, EventKind.BRK, 17, EventKind.MPROTECT, 40));
        assertThat(t.events().stream().filter(TraceEvent::failed).count()).isEqualTo(13);
        assertThat(t.spaces()).singleElement().satisfies(s -> {
            assertThat(s.origin()).isEqualTo(TraceEvent.Origin.EXEC);
            assertThat(s.tid()).isEqualTo(16616);
            assertThat(s.events()).isEqualTo(4734);
        });
        assertThat(t.summary().lines()).isEqualTo(4736);
        assertThat(t.summary().ignoredLines()).as("the exit line").isEqualTo(1);
    }

    @Test
    void phpStringsNomremapStrace() throws Exception {
        LoadedTrace t = load("php-strings-nomremap.strace");
        assertThat(t.format()).isEqualTo(TraceFormat.STRACE);
        assertThat(counts(t)).containsExactlyInAnyOrderEntriesOf(Map.of(
                EventKind.ADDRESS_SPACE_START, 1, EventKind.MMAP, 4351, EventKind.MUNMAP, 152,
                EventKind.BRK, 11, EventKind.MPROTECT, 4));
        assertThat(t.events().stream().filter(TraceEvent::failed)).isEmpty();
        long fileBacked = t.events().stream()
                .filter(e -> e instanceof TraceEvent.Mmap && ((TraceEvent.Mmap) e).isFileBacked()).count();
        assertThat(fileBacked).isPositive().isLessThan(100);
    }

    @Test
    void pythonAllocStrace() throws Exception {
        LoadedTrace t = load("python-alloc.strace");
        assertThat(t.format()).isEqualTo(TraceFormat.STRACE);
        assertThat(counts(t)).containsExactlyInAnyOrderEntriesOf(Map.of(
                EventKind.ADDRESS_SPACE_START, 1, EventKind.MMAP, 550, EventKind.MUNMAP, 526,
                EventKind.MREMAP, 24, EventKind.BRK, 45, EventKind.MPROTECT, 6));
        assertThat(t.events().stream().filter(e -> e instanceof TraceEvent.Mremap)
                .allMatch(e -> ((TraceEvent.Mremap) e).mayMove())).isTrue();
    }

    @Test
    void phpStringsMalloc() throws Exception {
        LoadedTrace t = load("php-strings.malloc");
        assertThat(t.format()).isEqualTo(TraceFormat.MALLOC);
        assertThat(counts(t)).containsExactlyInAnyOrderEntriesOf(Map.of(
                EventKind.ADDRESS_SPACE_START, 1, EventKind.MMAP, 88, EventKind.MUNMAP, 137,
                EventKind.MREMAP, 4248, EventKind.MALLOC, 20214, EventKind.CALLOC, 49,
                EventKind.REALLOC, 421, EventKind.FREE, 19192));
        assertThat(t.events().stream().filter(e -> e instanceof TraceEvent.Free
                && ((TraceEvent.Free) e).ptr() == 0)).as("free(NULL) calls, as the README says").hasSize(253);
        assertThat(t.spaces()).singleElement().satisfies(s -> assertThat(s.tid()).isEqualTo(17073));
    }

    @Test
    void sqliteLtrace() throws Exception {
        LoadedTrace t = load("sqlite-small.ltrace");
        assertThat(t.format()).isEqualTo(TraceFormat.LTRACE);
        assertThat(counts(t)).containsExactlyInAnyOrderEntriesOf(Map.of(
                EventKind.ADDRESS_SPACE_START, 1, EventKind.MALLOC, 32965, EventKind.REALLOC, 98,
                EventKind.FREE, 32971));
        assertThat(t.summary().ignoredLines()).as("the exit line").isEqualTo(1);
    }

    @Test
    void sqliteMalloc() throws Exception {
        LoadedTrace t = load("sqlite-small.malloc");
        assertThat(t.format()).isEqualTo(TraceFormat.MALLOC);
        assertThat(counts(t)).containsExactlyInAnyOrderEntriesOf(Map.of(
                EventKind.ADDRESS_SPACE_START, 1, EventKind.MMAP, 1, EventKind.MUNMAP, 1,
                EventKind.MALLOC, 32988, EventKind.REALLOC, 98, EventKind.FREE, 32980));
    }

    @Test
    void loadReportsProgress() throws Exception {
        Trace trace = Trace.open(TraceFiles.shared("sqlite-small.ltrace"));
        java.util.List<long[]> updates = new java.util.ArrayList<>();
        trace.load((events, bytesRead, totalBytes) -> updates.add(new long[] {events, bytesRead, totalBytes}));
        long stored = trace.input().sizeBytes();
        assertThat(updates).hasSize(2);
        assertThat(updates.get(0)[0]).isEqualTo(ReadProgress.EVENTS_PER_UPDATE);
        assertThat(updates.get(0)[1]).isPositive().isLessThanOrEqualTo(stored);
        assertThat(updates.get(1)).containsExactly(66035, stored, stored);
    }

    @Test
    void addressSpacesStreamingMatchesLoad() throws Exception {
        for (String name : TraceFiles.SHARED) {
            Trace trace = Trace.open(TraceFiles.shared(name));
            assertThat(trace.addressSpaces()).as(name).isEqualTo(trace.load().spaces());
        }
    }
}
