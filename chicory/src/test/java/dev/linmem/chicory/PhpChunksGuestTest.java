package dev.linmem.chicory;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.Instance;
import dev.linmem.emscripten.EmscriptenMmap;
import dev.linmem.space.AddressSpace;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guest 2 (guests/php_chunks.c): PHP's chunk pattern through the linmem imports. The guest
 * checks its own data after every step and reports its figures; here they are checked against
 * what each behaviour must give.
 */
class PhpChunksGuestTest {

    record Outcome(int exitCode, Map<String, Long> figures, MmapImports imports, Instance instance) {
        long figure(String key) {
            Long value = figures.get(key);
            assertThat(value).as("figure %s in %s", key, figures).isNotNull();
            return value;
        }
    }

    static Outcome run(MmapImports imports, Guests.Engine engine) {
        Guests.Run run = Guests.instantiate("php_chunks.wasm", engine, LinmemMemory.factory(), imports.hostFunctions());
        int exitCode = Guests.runCommand(run);
        Map<String, Long> figures = new LinkedHashMap<>();
        for (String line : run.output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                figures.put(line.substring(0, eq).trim(), Long.parseLong(line.substring(eq + 1).trim()));
            }
        }
        return new Outcome(exitCode, figures, imports, run.instance());
    }

    @ParameterizedTest
    @EnumSource(Guests.Engine.class)
    void underLinuxEveryTrimSucceedsEveryGrowthStaysInPlaceAndNothingLeaks(Guests.Engine engine) {
        Outcome linux = run(MmapImports.linux(), engine);
        assertThat(linux.exitCode()).as("guest output %s", linux.figures()).isZero();
        assertThat(linux.figure("mismatches")).isZero();
        assertThat(linux.figure("page_size")).isEqualTo(AddressSpace.WASM_PAGE_BYTES);
        assertThat(linux.figure("failed_munmaps")).isZero();
        assertThat(linux.figure("failed_maps")).isZero();
        assertThat(linux.figure("in_place_growths")).as("%s", linux.figures()).isEqualTo(6);
        assertThat(linux.figure("copied_growths")).isZero();
        assertThat(linux.figure("copied_bytes")).isZero();

        AddressSpace space = (AddressSpace) linux.imports().mapper();
        space.checkInvariants();
        assertThat(space.stats().mappedBytes()).as("mapped bytes after freeing everything").isZero();
        // Live at the peak: three 2 MiB chunks, a 12 MiB and an 8 MiB huge block, and the guest's
        // own two pages. The placement keeps some room behind huge blocks for their growth.
        long peakLiveBytes = 2 * 65_536 + (3 * 2 + 12 + 8) * 1024 * 1024L;
        long peakBytes = linux.figure("peak_pages") * 65_536;
        assertThat(peakBytes).isBetween(peakLiveBytes, peakLiveBytes * 5 / 4);
    }

    @Test
    void underEmscriptenTheTrimsFailAndLeakAndEveryGrowthCopies() {
        Outcome linux = run(MmapImports.linux(), Guests.Engine.COMPILER);
        Outcome emscripten = run(MmapImports.emscripten(), Guests.Engine.COMPILER);
        System.out.printf("php_chunks figures%n  LINUX      %s%n  EMSCRIPTEN %s%n", linux.figures(), emscripten.figures());
        assertThat(emscripten.exitCode()).as("guest output %s", emscripten.figures()).isZero();
        assertThat(emscripten.figure("mismatches")).isZero();
        assertThat(emscripten.figure("page_size")).isEqualTo(65_536);
        // Hints are refused and mremap fails: all six growths fall back to allocate-copy-free.
        assertThat(emscripten.figure("in_place_growths")).isZero();
        assertThat(emscripten.figure("copied_growths")).isEqualTo(6);
        assertThat(emscripten.figure("copied_bytes")).isEqualTo((4 + 6 + 8 + 10 + 4 + 6) * 1024 * 1024L);
        // Head and tail trims, the truncation and the frees of trimmed blocks are partial: refused.
        assertThat(emscripten.figure("failed_munmaps")).isPositive();
        EmscriptenMmap mapper = (EmscriptenMmap) emscripten.imports().mapper();
        mapper.checkInvariants();
        assertThat(mapper.stats().leakedBytes()).isPositive();
        assertThat(mapper.stats().refusedUnmaps()).isEqualTo(emscripten.figure("failed_munmaps"));
        assertThat(emscripten.figure("peak_pages")).isGreaterThan(linux.figure("peak_pages"));
    }

    @Test
    void theGuestsOwnMemoryGrowthIsNeverHandedOutByMmap() {
        MmapImports imports = MmapImports.linux();
        Guests.Run run = Guests.instantiate("php_chunks.wasm", Guests.Engine.COMPILER, LinmemMemory.factory(),
                imports.hostFunctions());
        LinmemMemory memory = (LinmemMemory) run.instance().memory();
        long sizeBefore = memory.linearMemory().sizeBytes();
        assertThat(Guests.runCommand(run)).isZero();
        AddressSpace space = (AddressSpace) imports.mapper();
        // The guest grows by four pages as wasi-libc's malloc would: the pages become a mapping.
        long grownFrom = memory.linearMemory().sizeBytes();
        assertThat(memory.grow(4)).isEqualTo((int) (grownFrom / 65_536));
        assertThat(space.stats().mappedBytes()).isEqualTo(4 * 65_536L);
        long next = space.mmap(0, 65_536, 3, 0x22);
        assertThat(next).isBetween(sizeBefore, grownFrom - 65_536);
        space.checkInvariants();
    }
}
