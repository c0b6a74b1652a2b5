package dev.soci.ztoc;

import static dev.soci.testing.TestTar.checksum;
import static dev.soci.testing.TestTar.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.Compression;
import dev.soci.ztoc.internal.TarToc;
import dev.soci.ztoc.internal.TarTocBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names and PAX values that are not UTF-8 survive tar &rarr; model &rarr; zTOC &rarr; model byte for
 * byte, as they do in the reference (Go keeps raw byte strings, FlatBuffers writes them as is).
 */
class RawBytesTest {

  /** {@code vfs_cap_data} revision 2 granting cap_net_bind_service: binary, with NULs and 0xff. */
  private static final byte[] CAPABILITY = {
    0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, (byte) 0xff, (byte) 0x80
  };
  /** "café" in Latin-1: 0xe9 alone is not UTF-8. */
  private static final byte[] LATIN1_NAME = {'c', 'a', 'f', (byte) 0xe9};
  /** A PAX path in a legacy encoding, with a truncated UTF-8 sequence. */
  private static final byte[] PAX_PATH = {'d', '/', (byte) 0xe2, (byte) 0x82, 'x'};
  private static final byte[] UNAME = {'u', (byte) 0xfc, 's', 'e', 'r'};
  /** An absolute link target naming the Latin-1 file. */
  private static final byte[] LINK_TARGET = {'/', 'c', 'a', 'f', (byte) 0xe9};

  @Test
  void nonUtf8NamesAndBinaryPaxValuesRoundTripByteForByte() throws Exception {
    byte[] tar = handMadeTar();
    TarTocBuilder builder = new TarTocBuilder();
    builder.write(tar, 0, tar.length);
    TarToc toc = builder.finish();

    assertThat(toc.entries()).hasSize(3);
    TocEntry ping = toc.entries().get(0);
    assertThat(ping.rawName().toByteArray()).isEqualTo("bin/ping".getBytes(StandardCharsets.US_ASCII));
    assertThat(ping.xattr("security.capability").orElseThrow().toByteArray()).isEqualTo(CAPABILITY);
    assertThat(ping.xattrs()).containsOnlyKeys(ByteString.utf8("security.capability"));
    assertThat(ping.rawUname().toByteArray()).isEqualTo(UNAME);
    assertThat(ping.uname()).isEqualTo("u\uFFFDser");
    TocEntry cafe = toc.entries().get(1);
    assertThat(cafe.rawName().toByteArray()).isEqualTo(LATIN1_NAME);
    assertThat(cafe.rawName().isValidUtf8()).isFalse();
    assertThat(cafe.name()).isEqualTo("caf\uFFFD");
    assertThat(cafe.rawName()).hasToString("caf\\xe9");
    TocEntry link = toc.entries().get(2);
    assertThat(link.type()).isEqualTo(EntryType.SYMLINK);
    assertThat(link.rawName().toByteArray()).isEqualTo(PAX_PATH);
    assertThat(link.rawLinkname().toByteArray()).isEqualTo(LINK_TARGET);
    assertThat(link.paxRecords().get(ByteString.utf8("path")).toByteArray()).isEqualTo(PAX_PATH);

    Ztoc model = ztoc(toc);
    byte[] encoded = ZtocEncoder.encode(model);
    assertThat(indexOf(encoded, CAPABILITY)).as("capability stored verbatim").isPositive();
    assertThat(indexOf(encoded, withNul(LATIN1_NAME))).as("name stored verbatim").isPositive();

    ZtocView view = ZtocView.open(encoded);
    assertThat(view.rawName(1).toByteArray()).isEqualTo(LATIN1_NAME);
    assertThat(view.rawLinkname(2).toByteArray()).isEqualTo(LINK_TARGET);
    Ztoc reread = view.toModel();
    assertThat(reread).isEqualTo(model);
    assertThat(reread.entries()).isEqualTo(toc.entries());
    assertThat(ZtocEncoder.encode(reread)).isEqualTo(encoded);

    // Lookup is by raw bytes: the Latin-1 name is found by its bytes, not by the UTF-8 "café".
    assertThat(view.lookup(ByteString.of(LATIN1_NAME))).hasValue(1);
    assertThat(view.lookup("café")).isEmpty();
    assertThat(view.lookup(ByteString.of(PAX_PATH))).hasValue(2);
    assertThat(view.resolve(ByteString.of(PAX_PATH))).hasValue(1); // the symlink's raw target
    assertThat(view.lookup("bin/ping")).hasValue(0);
    assertThat(view.list(ByteString.utf8("d"))).containsExactly(2);
  }

  @Test
  void utf8QueriesMatchUtf8Names() throws Exception {
    TocEntry e =
        new TocEntry(
            "ünï/😀", EntryType.REG, 512, 0, "", 0644, 0, 0, "", "", "1970-01-01T00:00:00Z", 0, 0,
            null);
    ZtocView view = ZtocView.open(ZtocEncoder.encode(ztoc(new TarToc(List.of(e), 1024))));
    assertThat(view.lookup("ünï/😀")).hasValue(0);
    assertThat(view.lookup(ByteString.utf8("/ünï/./😀"))).hasValue(0);
    assertThat(view.name(0)).isEqualTo("ünï/😀");
  }

  private static Ztoc ztoc(TarToc toc) {
    long size = 20480;
    return new Ztoc(
        Ztoc.VERSION,
        "test",
        size,
        toc.endOffset(),
        toc.entries(),
        new CompressionInfo(
            Compression.UNCOMPRESSED,
            0,
            List.of("sha256:" + "0".repeat(64)),
            new TarZinfo(size, size).toBytes()));
  }

  // ---- hand-made tar ------------------------------------------------------------------------

  private static byte[] handMadeTar() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // 1. PAX header with a binary capability and a non-UTF-8 uname, then the file it applies to.
    byte[] pax =
        concat(
            paxRecord("SCHILY.xattr.security.capability".getBytes(StandardCharsets.US_ASCII), CAPABILITY),
            paxRecord("uname".getBytes(StandardCharsets.US_ASCII), UNAME));
    writeEntry(out, "PaxHeaders/ping".getBytes(StandardCharsets.US_ASCII), 'x', pax, new byte[0]);
    writeEntry(out, "bin/ping".getBytes(StandardCharsets.US_ASCII), '0', new byte[0], new byte[700]);
    // 2. A regular file whose header name is Latin-1.
    writeEntry(out, LATIN1_NAME, '0', new byte[0], "hello".getBytes(StandardCharsets.US_ASCII));
    // 3. A symlink whose PAX path is not UTF-8 and whose header link target is Latin-1.
    writeEntry(
        out,
        "PaxHeaders/link".getBytes(StandardCharsets.US_ASCII),
        'x',
        paxRecord("path".getBytes(StandardCharsets.US_ASCII), PAX_PATH),
        new byte[0]);
    byte[] linkHeader = header("placeholder".getBytes(StandardCharsets.US_ASCII), '2', 0);
    System.arraycopy(LINK_TARGET, 0, linkHeader, 157, LINK_TARGET.length);
    checksum(linkHeader);
    out.writeBytes(linkHeader);
    out.writeBytes(new byte[1024]); // end-of-archive marker
    return out.toByteArray();
  }

  /** {@code "<len> <key>=<value>\n"} where len counts the whole record, itself included. */
  private static byte[] paxRecord(byte[] key, byte[] value) {
    int body = 1 + key.length + 1 + value.length + 1; // " key=value\n"
    int len = body + 1;
    while (len != body + Integer.toString(len).length()) {
      len = body + Integer.toString(len).length();
    }
    return concat(
        (len + " ").getBytes(StandardCharsets.US_ASCII),
        key,
        new byte[] {'='},
        value,
        new byte[] {'\n'});
  }

  private static void writeEntry(
      ByteArrayOutputStream out, byte[] name, char flag, byte[] special, byte[] data) {
    byte[] payload = special.length > 0 ? special : data;
    out.writeBytes(header(name, flag, payload.length));
    out.writeBytes(payload);
    out.writeBytes(new byte[-payload.length & 511]);
  }

  private static byte[] header(byte[] name, char flag, long size) {
    byte[] h = new byte[512];
    System.arraycopy(name, 0, h, 0, name.length);
    put(h, 100, "0000755\0");
    put(h, 108, "0001750\0");
    put(h, 116, "0001750\0");
    put(h, 124, String.format("%011o\0", size));
    put(h, 136, "14621234567\0");
    h[156] = (byte) flag;
    put(h, 257, "ustar\0");
    put(h, 263, "00");
    put(h, 265, "root");
    put(h, 297, "root");
    checksum(h);
    return h;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] withNul(byte[] b) {
    return Arrays.copyOf(b, b.length + 1);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (haystack[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
