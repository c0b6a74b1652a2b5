package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.internal.GoJsonString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Expected strings are what Go 1.22's json.Marshal prints for the same bytes. */
class GoJsonStringTest {
  private static String quote(byte... b) throws Exception {
    StringBuilder sb = new StringBuilder();
    GoJsonString.appendQuoted(b, 0, b.length, sb);
    return sb.toString();
  }

  private static String quote(String s) throws Exception {
    return quote(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void asciiFollowsGoEscapes() throws Exception {
    assertThat(quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(quote("<a&b>")).isEqualTo("\"\\u003ca\\u0026b\\u003e\"");
    assertThat(quote("\b\f\n\r\t")).isEqualTo("\"\\b\\f\\n\\r\\t\"");
    assertThat(quote(new byte[] {0, 1, 0x1f, 0x7f})).isEqualTo("\"\\u0000\\u0001\\u001f\u007f\"");
  }

  @Test
  void validUtf8IsLiteralExceptLineAndParagraphSeparators() throws Exception {
    assertThat(quote("é€😀")).isEqualTo("\"é€😀\"");
    assertThat(quote("\uFFFD")).isEqualTo("\"\uFFFD\""); // a real U+FFFD stays as it is
    assertThat(quote("a\u2028b\u2029")).isEqualTo("\"a\\u2028b\\u2029\"");
  }

  @Test
  void eachInvalidByteIsTheSixCharacterEscape() throws Exception {
    String r = "\\ufffd";
    assertThat(quote((byte) 0x80)).isEqualTo("\"" + r + "\"");
    assertThat(quote((byte) 0xff, (byte) 'a')).isEqualTo("\"" + r + "a\"");
    assertThat(quote((byte) 0xc0, (byte) 0x80)).isEqualTo("\"" + r + r + "\""); // overlong
    assertThat(quote((byte) 0xe0, (byte) 0x80, (byte) 0x80)).isEqualTo("\"" + r + r + r + "\"");
    assertThat(quote((byte) 0xed, (byte) 0xa0, (byte) 0x80)).isEqualTo("\"" + r + r + r + "\""); // surrogate
    assertThat(quote((byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80)).isEqualTo("\"" + r + r + r + r + "\"");
    assertThat(quote((byte) 0xe2, (byte) 0x82)).isEqualTo("\"" + r + r + "\""); // truncated
    assertThat(quote((byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 'x')).isEqualTo("\"" + r + r + r + "x\"");
  }
}
