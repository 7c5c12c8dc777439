package dev.linmem.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code grow} returns -1, and leaves the memory intact and growable, when the host runs out of
 * memory. The exhaustion happens in a child JVM with a 48 MiB heap ({@link HostOutOfMemoryProbe})
 * so that no other thread of the test JVM can be hit by it.
 */
class LinearMemoryHostMemoryTest {

    @Test
    void growReturnsMinusOneWhenTheHostRunsOutOfMemory() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process probe = new ProcessBuilder(java, "-Xmx48m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), HostOutOfMemoryProbe.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(probe.exitValue()).as(output).isZero();
        assertThat(output).contains(
                "HEAP grow=-1 pages=2 first=7 then=1 second=8",
                "DIRECT grow=-1 pages=2 first=7 then=1 second=8");
    }
}
