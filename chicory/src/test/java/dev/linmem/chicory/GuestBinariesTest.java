package dev.linmem.chicory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest .wasm files are committed next to their C sources; this checks that they are what
 * {@code guests/build.sh} makes from those sources today. Where the toolchain (Debian's clang,
 * lld, wasi-libc, libclang-rt-14-dev-wasm32) is missing the test is skipped, saying so.
 */
class GuestBinariesTest {

    @Test
    void committedGuestsMatchAFreshBuild(@TempDir Path out) throws Exception {
        Path script = Path.of("guests", "build.sh").toAbsolutePath();
        assertThat(script).exists();
        assumeTrue(toolchainPresent(), "clang with the wasm32-wasi sysroot and builtins is not installed;"
                + " install clang lld wasi-libc libclang-rt-14-dev-wasm32 to check the committed guests");
        Process build = new ProcessBuilder("bash", script.toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(build.getInputStream().readAllBytes());
        assertThat(build.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(build.exitValue()).as("guests/build.sh output:%n%s", log).isZero();
        for (String guest : new String[] {"adapter_guest.wasm", "adapter_guest_imported.wasm", "php_chunks.wasm", "memory_loop.wasm"}) {
            assertThat(Files.readAllBytes(out.resolve(guest)))
                    .as("%s is stale: run chicory/guests/build.sh and commit the result", guest)
                    .isEqualTo(Guests.bytes(guest));
        }
    }

    private static boolean toolchainPresent() throws IOException, InterruptedException {
        try {
            Process probe = new ProcessBuilder("clang", "--target=wasm32-wasi", "--sysroot=/usr",
                    "-print-libgcc-file-name").redirectErrorStream(true).start();
            String builtins = new String(probe.getInputStream().readAllBytes()).trim();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0
                    && Files.exists(Path.of(builtins)) && Files.isDirectory(Path.of("/usr/lib/wasm32-wasi"));
        } catch (IOException notInstalled) {
            return false;
        }
    }
}
