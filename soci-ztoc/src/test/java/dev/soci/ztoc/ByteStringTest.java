package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ByteStringTest {

  private static ByteString b(int... bytes) {
    byte[] a = new byte[bytes.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) bytes[i];
    }
    return ByteString.of(a);
  }

  @Test
  void ordersByUnsignedBytesLikeGo() {
    TreeSet<ByteString> set = new TreeSet<>();
    set.add(b(0xff));
    set.add(b(0x7f));
    set.add(ByteString.utf8("\uE000")); // EE 80 80
    set.add(ByteString.utf8("\uD83D\uDE00")); // F0 9F 98 80: after U+E000 in UTF-8, not UTF-16
    set.add(ByteString.EMPTY);
    assertThat(set)
        .containsExactly(
            ByteString.EMPTY, b(0x7f), ByteString.utf8("\uE000"), ByteString.utf8("\uD83D\uDE00"),
            b(0xff));
  }

  @Test
  void copiesInAndOut() {
    byte[] src = {'a', 'b'};
    ByteString s = ByteString.of(src);
    src[0] = 'z';
    s.toByteArray()[1] = 'z';
    assertThat(s).isEqualTo(ByteString.utf8("ab")).hasSameHashCodeAs(ByteString.utf8("ab"));
  }

  @Test
  void decodingAndDisplay() {
    ByteString latin1 = b('c', 'a', 'f', 0xe9);
    assertThat(latin1.isValidUtf8()).isFalse();
    assertThat(latin1.utf8()).isEqualTo("caf\uFFFD");
    assertThat(latin1).hasToString("caf\\xe9");
    assertThat(ByteString.utf8("café").isValidUtf8()).isTrue();
    assertThat(ByteString.utf8("café")).hasToString("café");
    assertThat(b(0xc0, 0x80).isValidUtf8()).as("overlong NUL").isFalse();
    assertThat(b(0xed, 0xa0, 0x80).isValidUtf8()).as("surrogate").isFalse();
  }

  @Test
  void contentEqualsComparesUtf8Encodings() {
    assertThat(ByteString.utf8("path").contentEquals("path")).isTrue();
    assertThat(ByteString.utf8("path").contentEquals("pat")).isFalse();
    assertThat(ByteString.utf8("café").contentEquals("café")).isTrue();
    assertThat(b('c', 'a', 'f', 0xe9).contentEquals("café")).isFalse();
    assertThat(b('c', 'a', 'f', 0xe9).contentEquals("cafe")).isFalse();
  }

  @Test
  void prefixesAndSubstrings() {
    ByteString s = ByteString.utf8("SCHILY.xattr.user.k");
    assertThat(s.startsWith(ByteString.utf8("SCHILY.xattr."))).isTrue();
    assertThat(s.endsWith(ByteString.utf8(".k"))).isTrue();
    assertThat(s.substring(13)).isEqualTo(ByteString.utf8("user.k"));
    assertThat(ByteString.utf8("a").startsWith(ByteString.utf8("ab"))).isFalse();
  }
}
