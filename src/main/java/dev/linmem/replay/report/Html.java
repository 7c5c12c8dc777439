package dev.linmem.replay.report;

/** Escaping for HTML text and attribute values (and the SVG inside HTML). */
final class Html {

    private Html() {
    }

    /**
     * Escapes {@code text} for use as element content or as a double- or single-quoted attribute
     * value: {@code & < > " '} become character references; every other character is kept.
     */
    static String escape(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            String replacement = switch (text.charAt(i)) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (replacement != null && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (replacement != null) {
                    sb.append(replacement);
                } else {
                    sb.append(text.charAt(i));
                }
            }
        }
        return sb == null ? text : sb.toString();
    }
}
