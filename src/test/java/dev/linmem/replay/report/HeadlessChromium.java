package dev.linmem.replay.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a local HTML file in headless Chromium and returns the DOM after its scripts ran
 * ({@code --dump-dom}) or a screenshot. Each run gets a fresh profile directory, no network
 * services, and a time limit.
 */
public final class HeadlessChromium {

    /** Environment variable naming the browser binary, overriding the search. */
    public static final String BROWSER_VARIABLE = "LINMEM_CHROMIUM";

    private static final List<String> CANDIDATES = List.of(
            "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");

    private static final long TIMEOUT_SECONDS = 120;

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser named by {@value #BROWSER_VARIABLE} or found in the usual places, if any. */
    public static Optional<HeadlessChromium> find() {
        String named = System.getenv(BROWSER_VARIABLE);
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            return Files.isExecutable(p) ? Optional.of(new HeadlessChromium(p)) : Optional.empty();
        }
        for (String candidate : CANDIDATES) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return Optional.of(new HeadlessChromium(p));
            }
        }
        return Optional.empty();
    }

    /** The serialized DOM of {@code page} after load and its scripts. */
    public String dumpDom(Path page) throws IOException, InterruptedException {
        return run(page, List.of("--dump-dom"), null);
    }

    /** Saves a screenshot of {@code page} at the given window size to {@code png}. */
    public void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        run(page, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars"), png);
    }

    private String run(Path page, List<String> action, Path expectedFile) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("linmem-chromium");
        try {
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-extensions",
                    "--disable-dev-shm-usage", "--user-data-dir=" + work.resolve("profile")));
            command.addAll(action);
            command.add(page.toAbsolutePath().toUri().toString());
            Path stdout = work.resolve("stdout");
            Path stderr = work.resolve("stderr");
            Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IOException("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            String out = Files.readString(stdout, StandardCharsets.UTF_8);
            if (process.exitValue() != 0 || (expectedFile != null && !Files.isRegularFile(expectedFile))) {
                throw new IOException("chromium exited with " + process.exitValue() + ": " + command + "\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return out;
        } finally {
            deleteTree(work);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.nio.file.NoSuchFileException ignored) {
            // Already gone.
        }
    }
}
