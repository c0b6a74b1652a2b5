package dev.soci.oci.internal;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GoJsonEscapeTest {

  /**
   * Go's encodeState.string (Go 1.22+, escapeHTML=true), restated over UTF-16: bytes below
   * 0x80 are safe unless control, quote, backslash or HTML-special; short escapes for
   * \\ \" \b \f \n \r \t; other unsafe bytes as \\u00xx lowercase; U+2028/U+2029 escaped;
   * invalid sequences (here: lone surrogates) as U+FFFD; every other code point raw UTF-8.
   */
  static byte[] goReference(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        cp = 0xFFFD;
      }
      String esc = null;
      if (cp < 0x80) {
        switch (cp) {
          case '\\': esc = "\\\\"; break;
          case '"': esc = "\\\""; break;
          case '\b': esc = "\\b"; break;
          case '\f': esc = "\\f"; break;
          case '\n': esc = "\\n"; break;
          case '\r': esc = "\\r"; break;
          case '\t': esc = "\\t"; break;
          default:
            if (cp < 0x20 || cp == '<' || cp == '>' || cp == '&') {
              esc = "\\u00" + "0123456789abcdef".charAt(cp >> 4)
                  + "0123456789abcdef".charAt(cp & 0xf);
            }
        }
      } else if (cp == 0x2028 || cp == 0x2029) {
        esc = "\\u202" + "0123456789abcdef".charAt(cp & 0xf);
      }
      byte[] b = (esc != null ? esc : new String(Character.toChars(cp)))
          .getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
    out.write('"');
    return out.toByteArray();
  }

  private static String q(String s) {
    return new String(GoJson.quote(s), StandardCharsets.UTF_8);
  }

  @Test
  void knownCases() {
    assertThat(q("public <fixture> & friends"))
        .isEqualTo("\"public \\u003cfixture\\u003e \\u0026 friends\"");
    assertThat(q("a\nb\rc\td\be\ff")).isEqualTo("\"a\\nb\\rc\\td\\be\\ff\"");
    assertThat(q("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\u007f\"");
    assertThat(q("\u2028\u2029\u2027")).isEqualTo("\"\\u2028\\u2029\u2027\"");
    assertThat(q("é 😀 \"q\" \\")).isEqualTo("\"é 😀 \\\"q\\\" \\\\\"");
    assertThat(q("x\uD800y\uDC00")).isEqualTo("\"x\uFFFDy\uFFFD\"");
    assertThat(q("/")).isEqualTo("\"/\"");
  }

  @Test
  void randomStringsMatchGoRules() {
    // An alphabet weighted toward the interesting cases.
    char[] special = {'<', '>', '&', '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0, 1, 0x1f,
        0x7f, 0x80, 0xe9, 0x2028, 0x2029, 0xfffd, 0xffff, 0xD83D, 0xDE00, 0xDBFF, 0xDC00};
    Random rnd = new Random(42);
    for (int iter = 0; iter < 20_000; iter++) {
      int len = rnd.nextInt(24);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < len; i++) {
        switch (rnd.nextInt(4)) {
          case 0 -> sb.append(special[rnd.nextInt(special.length)]);
          case 1 -> sb.append((char) rnd.nextInt(0x80));
          case 2 -> sb.append((char) rnd.nextInt(0x10000));
          default -> sb.appendCodePoint(0x10000 + rnd.nextInt(0x100000));
        }
      }
      String s = sb.toString();
      assertThat(GoJson.quote(s)).as("string %s", s.chars().boxed().toList())
          .isEqualTo(goReference(s));
    }
  }

  @Test
  void longStringsTakeTheSameEscapingPath() {
    // Jackson switches to segmented writing for long strings; escapes must not change.
    String s = "<&>\u2028\n😀".repeat(5000) + "\uD800";
    assertThat(GoJson.quote(s)).isEqualTo(goReference(s));
  }

  @Test
  void annotationKeysAreSortedByUtf8BytesAndEscaped() {
    Descriptor d = Descriptor.builder("m", Digest.of(new byte[0]), 0)
        .annotations(Map.of("b", "1", "a<", "2", "\uFF21", "3", "😀", "4", "Z", "5"))
        .build();
    String json = new String(GoJson.writeDescriptor(d), StandardCharsets.UTF_8);
    // UTF-16 order would put U+FF21 after the surrogate pair of 😀; UTF-8 order does not.
    assertThat(json).endsWith(
        "\"annotations\":{\"Z\":\"5\",\"a\\u003c\":\"2\",\"b\":\"1\",\"\uFF21\":\"3\",\"😀\":\"4\"}}");
  }
}
