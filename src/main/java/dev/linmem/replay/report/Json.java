package dev.linmem.replay.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal streaming JSON writer (RFC 8259), so the core jar needs no JSON library.
 *
 * <p>Invariants: a value may only be written where the grammar allows one: at the top level once,
 * as an array element, or after {@link #name(String)} inside an object; names only inside
 * objects. A violation throws {@link IllegalStateException} before anything is written, so the
 * output is always a prefix of valid JSON. Output is compact when the indent is empty, otherwise
 * one member per line.
 *
 * <p>Numbers: integers are written exactly; a {@code double} that is not finite (NaN, infinity,
 * which JSON cannot express) is written as {@code null}.
 */
public final class Json {

    private enum Scope { ARRAY, OBJECT }

    private final Appendable out;
    private final String indent;
    private final Deque<Scope> scopes = new ArrayDeque<>();
    /** Whether the innermost open container already holds a member. */
    private final Deque<Boolean> nonEmpty = new ArrayDeque<>();
    private boolean nameWritten;
    private boolean topLevelWritten;

    private Json(Appendable out, String indent) {
        this.out = out;
        this.indent = indent;
    }

    /** A writer producing compact JSON. */
    public static Json compact(Appendable out) {
        return new Json(out, "");
    }

    /** A writer producing indented JSON, two spaces per level. */
    public static Json pretty(Appendable out) {
        return new Json(out, "  ");
    }

    /** Opens an object. */
    public Json beginObject() {
        beforeValue();
        write("{");
        scopes.push(Scope.OBJECT);
        nonEmpty.push(false);
        return this;
    }

    /** Closes the innermost object. */
    public Json endObject() {
        return close(Scope.OBJECT, "}");
    }

    /** Opens an array. */
    public Json beginArray() {
        beforeValue();
        write("[");
        scopes.push(Scope.ARRAY);
        nonEmpty.push(false);
        return this;
    }

    /** Closes the innermost array. */
    public Json endArray() {
        return close(Scope.ARRAY, "]");
    }

    /** Writes a member name; the next call must write its value. */
    public Json name(String name) {
        if (scopes.peek() != Scope.OBJECT || nameWritten) {
            throw new IllegalStateException("a name is only allowed inside an object, before a value");
        }
        separate();
        write(quote(name));
        write(indent.isEmpty() ? ":" : ": ");
        nameWritten = true;
        return this;
    }

    /** Writes a string value, or {@code null} when {@code value} is null. */
    public Json value(String value) {
        beforeValue();
        write(value == null ? "null" : quote(value));
        return this;
    }

    /** Writes an integer value. */
    public Json value(long value) {
        beforeValue();
        write(Long.toString(value));
        return this;
    }

    /** Writes a floating-point value; NaN and infinities become {@code null}. */
    public Json value(double value) {
        beforeValue();
        write(Double.isFinite(value) ? Double.toString(value) : "null");
        return this;
    }

    /** Writes a boolean value. */
    public Json value(boolean value) {
        beforeValue();
        write(Boolean.toString(value));
        return this;
    }

    /** Writes {@code null}. */
    public Json nullValue() {
        beforeValue();
        write("null");
        return this;
    }

    /** Writes a member name and its string value. */
    public Json member(String name, String value) {
        return name(name).value(value);
    }

    /** Writes a member name and its integer value. */
    public Json member(String name, long value) {
        return name(name).value(value);
    }

    /** Writes a member name and its floating-point value. */
    public Json member(String name, double value) {
        return name(name).value(value);
    }

    /**
     * Returns {@code text} as a JSON string literal: quotes, backslash and the control characters
     * U+0000 to U+001F escaped (short forms where JSON has them), and also U+2028, U+2029 and
     * {@code </} so the literal can sit inside an HTML {@code <script>} element unchanged.
     */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2);
        sb.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '/' -> sb.append(i > 0 && text.charAt(i - 1) == '<' ? "\\/" : "/");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private Json close(Scope scope, String token) {
        if (scopes.peek() != scope || nameWritten) {
            throw new IllegalStateException("no open " + scope.name().toLowerCase() + " to close here");
        }
        scopes.pop();
        boolean hadMembers = nonEmpty.pop();
        if (hadMembers) {
            newline();
        }
        write(token);
        return this;
    }

    private void beforeValue() {
        Scope scope = scopes.peek();
        if (scope == null) {
            if (topLevelWritten) {
                throw new IllegalStateException("only one top-level value is allowed");
            }
            topLevelWritten = true;
        } else if (scope == Scope.OBJECT) {
            if (!nameWritten) {
                throw new IllegalStateException("a value inside an object needs a name first");
            }
            nameWritten = false;
        } else {
            separate();
        }
    }

    private void separate() {
        if (nonEmpty.peek()) {
            write(",");
        } else {
            nonEmpty.pop();
            nonEmpty.push(true);
        }
        newline();
    }

    private void newline() {
        if (!indent.isEmpty()) {
            write("\n");
            write(indent.repeat(scopes.size()));
        }
    }

    private void write(String text) {
        try {
            out.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
