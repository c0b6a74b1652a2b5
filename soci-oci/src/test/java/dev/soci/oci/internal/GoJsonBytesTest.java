package dev.soci.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Go strings of arbitrary bytes: each invalid byte is written as the escape {@code \ufffd}. */
class GoJsonBytesTest {
  private static final String ESC = "\\" + "ufffd"; // the six characters Go writes

  private static String q(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return new String(GoJson.quote(ByteString.of(b)), StandardCharsets.UTF_8);
  }

  @Test
  void eachInvalidByteIsOneEscape() {
    // Outputs of Go 1.22 json.Marshal(string([]byte{...})).
    assertThat(q('a', 0xff, 'b')).isEqualTo("\"a" + ESC + "b\"");
    assertThat(q(0x80)).isEqualTo("\"" + ESC + "\"");
    assertThat(q(0xe2, 0x82)).isEqualTo("\"" + ESC + ESC + "\""); // truncated: per byte
    assertThat(q(0xe2, 0x82, 'A')).isEqualTo("\"" + ESC + ESC + "A\"");
    assertThat(q(0xc0, 0x80)).isEqualTo("\"" + ESC + ESC + "\""); // overlong NUL
    assertThat(q(0xe0, 0x80, 0xaf)).isEqualTo("\"" + ESC + ESC + ESC + "\""); // overlong '/'
    assertThat(q(0xed, 0xa0, 0x80)).isEqualTo("\"" + ESC + ESC + ESC + "\""); // surrogate
    assertThat(q(0xf4, 0x90, 0x80, 0x80)).isEqualTo("\"" + ESC + ESC + ESC + ESC + "\"");
    assertThat(q(0xf8, 0x88, 0x80, 0x80, 0x80)).isEqualTo("\"" + ESC.repeat(5) + "\"");
  }

  @Test
  void aRealReplacementCharacterStaysRaw() {
    assertThat(q(0xef, 0xbf, 0xbd)).isEqualTo("\"\uFFFD\"");
    assertThat(q(0xef, 0xbf, 0xbd, 0xff)).isEqualTo("\"\uFFFD" + ESC + "\"");
    // the edges of the valid ranges
    assertThat(q(0xf4, 0x8f, 0xbf, 0xbf)).isEqualTo("\"\uDBFF\uDFFF\"");
    assertThat(q(0xed, 0x9f, 0xbf)).isEqualTo("\"\uD7FF\"");
    assertThat(q(0xe0, 0xa0, 0x80)).isEqualTo("\"\u0800\"");
    assertThat(q(0xf0, 0x90, 0x80, 0x80)).isEqualTo("\"\uD800\uDC00\"");
  }

  @Test
  void validUtf8IsEscapedLikeStrings() {
    Random r = new Random(8);
    int[] pool = {0, 0x1f, '"', '\\', '<', '>', '&', '\n', '\b', 0x7f, 0xe9, 0x2028, 0x2029,
        0xfffd, 0x1f600, 'a', '/'};
    for (int n = 0; n < 2000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(12);
      for (int i = 0; i < len; i++) {
        sb.appendCodePoint(pool[r.nextInt(pool.length)]);
      }
      String s = sb.toString();
      assertThat(GoJson.quote(ByteString.utf8(s))).isEqualTo(GoJson.quote(s));
    }
  }

  @Test
  void writeValueWritesByteStrings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("filename", ByteString.of(new byte[] {'x', (byte) 0xff}));
    m.put("n", 1L);
    assertThat(new String(GoJson.writeValue(m), StandardCharsets.UTF_8))
        .isEqualTo("{\"filename\":\"x" + ESC + "\",\"n\":1}");
    assertThat(new String(GoJson.indent(GoJson.writeValue(m), "  "), StandardCharsets.UTF_8))
        .isEqualTo("{\n  \"filename\": \"x" + ESC + "\",\n  \"n\": 1\n}");
  }
}
