package dev.soci.ztoc;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.Compression;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The word-at-a-time helpers of {@link PathIndex} and the array-backed reading paths. */
class PathIndexTest {

  /** Segment-by-segment definition of "normal" that the eight-bytes-at-a-time scan must match. */
  private static boolean normalByDefinition(byte[] b, int from, int to) {
    if (from == to) {
      return true;
    }
    String s = new String(b, from, to - from, ISO_8859_1);
    for (String seg : s.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        return false;
      }
    }
    return true;
  }

  @Test
  void clean_path_scan_agrees_with_the_definition_at_every_alignment() {
    // A small alphabet makes '/', '.', "//" and "/." common, at all positions within a word.
    byte[] alphabet = {'a', 'b', '.', '/', '/', '.'};
    Random r = new Random(7);
    for (int round = 0; round < 200_000; round++) {
      int pad = r.nextInt(9);
      int len = r.nextInt(30);
      byte[] b = new byte[pad + len + r.nextInt(9)];
      for (int k = 0; k < b.length; k++) {
        b[k] = alphabet[r.nextInt(alphabet.length)];
      }
      assertThat(PathIndex.isNormal(b, pad, pad + len))
          .as("%s", new String(b, pad, len, ISO_8859_1))
          .isEqualTo(normalByDefinition(b, pad, pad + len));
    }
  }

  @Test
  void hash_depends_only_on_the_bytes_hashed() {
    Random r = new Random(11);
    for (int len = 0; len < 40; len++) {
      byte[] content = new byte[len];
      r.nextBytes(content);
      byte[] a = new byte[len + 20];
      byte[] b = new byte[len + 20];
      r.nextBytes(a);
      r.nextBytes(b);
      System.arraycopy(content, 0, a, 3, len);
      System.arraycopy(content, 0, b, 11, len);
      assertThat(PathIndex.hash(42L, a, 3, len)).isEqualTo(PathIndex.hash(42L, content, 0, len));
      assertThat(PathIndex.hash(42L, b, 11, len)).isEqualTo(PathIndex.hash(42L, content, 0, len));
    }
  }

  private static byte[] encoded(List<TocEntry> entries) {
    byte[] zinfo = new TarZinfo(1 << 20, 1 << 20).toBytes();
    return ZtocEncoder.encode(
        new Ztoc(
            "0.9",
            "test",
            1 << 20,
            1 << 20,
            entries,
            new CompressionInfo(
                Compression.UNCOMPRESSED, 0, List.of("sha256:" + "0".repeat(64)), zinfo)));
  }

  private static TocEntry entry(String name, EntryType type, long offset, String link) {
    return new TocEntry(
        name, type, offset, 0, link, 0644, 0, 0, "u", "g", "1970-01-01T00:00:00Z", 0, 0,
        new TreeMap<>(Map.of("SCHILY.xattr.user.k", "v")));
  }

  @Test
  void direct_read_only_and_offset_buffers_read_like_the_array() throws Exception {
    List<TocEntry> entries = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String name = "./usr/lib/pkg" + i + "/module" + i + ".py";
      entries.add(entry(name, EntryType.REG, 512L * (i + 1), ""));
    }
    byte[] bytes = encoded(entries);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    byte[] padded = new byte[bytes.length + 13];
    System.arraycopy(bytes, 0, padded, 5, bytes.length);
    ByteBuffer offset = ByteBuffer.wrap(padded, 5, bytes.length).slice();
    ByteBuffer positioned = ByteBuffer.wrap(padded).position(5).limit(5 + bytes.length);
    Ztoc expected = ZtocView.open(bytes).toModel();
    for (ByteBuffer source :
        List.of(direct, ByteBuffer.wrap(bytes).asReadOnlyBuffer(), offset, positioned)) {
      ZtocView v = ZtocView.open(source);
      assertThat(v.toModel()).isEqualTo(expected);
      assertThat(v.resolve("/usr/lib/pkg7/module7.py")).hasValue(7);
      assertThat(v.lookup("usr/lib/pkg49/module49.py/")).hasValue(49);
      assertThat(v.bytes()).isEqualTo(ByteBuffer.wrap(bytes));
    }
  }

  @Test
  void only_the_last_entry_of_a_name_decides_whether_a_component_is_a_link() throws Exception {
    // "d" is a symlink shadowed by a later directory: resolve must not follow it.
    ZtocView shadowed =
        ZtocView.open(
            encoded(
                List.of(
                    entry("d", EntryType.SYMLINK, 512, "x"),
                    entry("d/", EntryType.DIR, 1024, ""),
                    entry("d/f", EntryType.REG, 1536, ""),
                    entry("x/f", EntryType.REG, 2048, ""))));
    assertThat(shadowed.resolve("d/f")).hasValue(2);
    // The other way round: a directory replaced by a later symlink is followed.
    ZtocView replaced =
        ZtocView.open(
            encoded(
                List.of(
                    entry("d/", EntryType.DIR, 512, ""),
                    entry("d/f", EntryType.REG, 1024, ""),
                    entry("x/f", EntryType.REG, 1536, ""),
                    entry("./d", EntryType.SYMLINK, 2048, "x"))));
    assertThat(replaced.resolve("d/f")).hasValue(2);
    assertThat(replaced.lookup("d/f")).hasValue(1);
  }

  @Test
  void deep_and_long_paths_resolve_through_links() throws Exception {
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      deep.append(i == 0 ? "" : "/").append("directory-with-a-long-name-").append(i);
    }
    byte[] bytes =
        encoded(
            List.of(
                entry(deep + "/file", EntryType.REG, 512, ""),
                entry("short", EntryType.SYMLINK, 1024, deep.toString()),
                entry("hard", EntryType.HARDLINK, 1536, "./" + deep + "/file"),
                entry(
                    "dots", EntryType.SYMLINK, 2048, "./" + deep.toString().replace("9", "9/."))));
    ZtocView v = ZtocView.open(bytes);
    assertThat(v.resolve(deep + "/file")).hasValue(0);
    assertThat(v.resolve("short/file")).hasValue(0);
    assertThat(v.resolve("/./short//file")).hasValue(0);
    assertThat(v.resolve("hard")).hasValue(0);
    assertThat(v.resolve("dots/file")).hasValue(0);
    // ".." after a link leaves the link's target, not the link: short/.. is the target's parent.
    assertThat(v.resolve("short/../directory-with-a-long-name-19/file")).hasValue(0);
    assertThat(v.resolve("short/missing")).isEmpty();
  }
}
