package dev.linmem.replay.trace;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The bytes of one trace, re-openable (a reader may make two passes) and decompressed on the
 * fly when they are gzip data: compression is recognised by its magic bytes
 * ({@code 1f 8b}), not by the file name, and the file is streamed, never loaded whole.
 */
public final class TraceInput {

    /** Read buffer for files and for the gzip inflater. */
    private static final int BUFFER_BYTES = 1 << 16;

    private final String name;
    private final Path path;
    private final byte[] bytes;

    private TraceInput(String name, Path path, byte[] bytes) {
        this.name = name;
        this.path = path;
        this.bytes = bytes;
    }

    /** The file at {@code path}, named by the path as given. */
    public static TraceInput of(Path path) {
        return new TraceInput(path.toString(), Objects.requireNonNull(path), null);
    }

    /** In-memory bytes (a test resource, a bundled trace), named {@code name} in messages. */
    public static TraceInput of(String name, byte[] bytes) {
        return new TraceInput(Objects.requireNonNull(name), null, bytes.clone());
    }

    /** The name used in error messages. */
    public String name() {
        return name;
    }

    /** The stored (possibly compressed) size in bytes. */
    public long sizeBytes() throws IOException {
        return path != null ? Files.size(path) : bytes.length;
    }

    /** Opens the decompressed bytes; the caller closes the stream. */
    public CountedStream open() throws IOException {
        InputStream raw = path != null ? Files.newInputStream(path) : new ByteArrayInputStream(bytes);
        RawCounter counter = new RawCounter(raw);
        BufferedInputStream buffered = new BufferedInputStream(counter, BUFFER_BYTES);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        InputStream content = buffered;
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        if (gzip) {
            try {
                content = new BufferedInputStream(new GZIPInputStream(buffered, BUFFER_BYTES), BUFFER_BYTES);
            } catch (IOException e) {
                buffered.close();
                throw new MalformedTraceException(name, 0, "gzip data after the gzip magic bytes", null);
            }
        }
        return new CountedStream(content, counter, gzip ? name : null);
    }

    /** The first up to {@code maxBytes} decompressed bytes (fewer for a shorter file). */
    public byte[] head(int maxBytes) throws IOException {
        try (CountedStream in = open()) {
            return in.readNBytes(maxBytes);
        }
    }

    /**
     * A decompressed stream that knows how many stored bytes it has consumed. Damaged or
     * truncated gzip data surfaces as a {@link MalformedTraceException} naming the file.
     */
    public static final class CountedStream extends FilterInputStream {
        private final RawCounter counter;
        /** The trace's name when the content is gzip data, else null. */
        private final String gzipName;

        CountedStream(InputStream content, RawCounter counter, String gzipName) {
            super(content);
            this.counter = counter;
            this.gzipName = gzipName;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (ZipException | EOFException e) {
                throw damaged(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (ZipException | EOFException e) {
                throw damaged(e);
            }
        }

        private IOException damaged(IOException e) {
            if (gzipName == null) {
                return e;
            }
            return new MalformedTraceException(gzipName, 0, "complete gzip data (" + e.getMessage() + ")", null);
        }

        /** Stored (compressed) bytes consumed so far, including read-ahead. */
        public long rawBytesRead() {
            return counter.count;
        }
    }

    private static final class RawCounter extends FilterInputStream {
        long count;

        RawCounter(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
