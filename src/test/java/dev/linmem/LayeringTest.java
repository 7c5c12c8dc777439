package dev.linmem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point down only: every linmem package's imports of other linmem packages are
 * among those its package-info says it may use (written out in {@link #MAY_USE}; keep the two
 * in step), plus {@code dev.linmem.util}, which DEVELOPERS.md lets any layer use. The trace
 * layer ({@code replay.trace} and its format packages) is one unit: its registry names the
 * formats and the formats use its event model. Only {@code import} lines are read.
 */
class LayeringTest {

    static final Path SOURCES = Path.of("src/main/java/dev/linmem");

    static final Set<String> TRACE = Set.of("replay.trace", "replay.trace.text", "replay.trace.strace",
            "replay.trace.ltrace", "replay.trace.malloc", "replay.trace.compact");

    /** Package (relative to dev.linmem) to the packages it may use, beside its own layer's. */
    static final Map<String, Set<String>> MAY_USE = Map.of(
            "util", Set.of(),
            "memory", Set.of("util"),
            "space", Set.of("memory", "util"),
            "alloc", Set.of("space", "memory", "util"),
            "emscripten", Set.of("alloc", "space", "memory", "util"),
            "trace", Set.of("space", "util"),
            "replay", union(TRACE, Set.of("emscripten", "alloc", "space", "memory", "util")),
            "replay.php", union(TRACE, Set.of("replay", "emscripten", "alloc", "space", "memory", "util")),
            "replay.report", Set.of("replay", "util"),
            "cli", union(TRACE, Set.of("replay", "replay.report", "util")));

    static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.linmem\\.([a-z.]+?)\\.[A-Z]", Pattern.MULTILINE);

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    static String layerOf(String pkg) {
        return TRACE.contains(pkg) ? "trace" : pkg;
    }

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() throws IOException {
        Map<String, Set<String>> violations = new TreeMap<>();
        List<String> packages = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace(file.getFileSystem().getSeparator(), ".");
                if (pkg.isEmpty()) {
                    continue;
                }
                packages.add(pkg);
                Set<String> allowed = MAY_USE.get(layerOf(pkg));
                assertThat(allowed).as("package %s has no rule in LayeringTest", pkg).isNotNull();
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String used = m.group(1);
                    boolean sameLayer = layerOf(used).equals(layerOf(pkg));
                    if (!sameLayer && !allowed.contains(used)) {
                        violations.computeIfAbsent(file.getFileName() + " (" + pkg + ")", k -> new TreeSet<>()).add(used);
                    }
                }
            }
        }
        assertThat(packages).as("sources found").isNotEmpty();
        assertThat(violations).as("imports pointing up or sideways").isEmpty();
    }
}
