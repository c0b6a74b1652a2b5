package dev.soci.ztoc.internal;

import static dev.soci.testing.TestTar.checksum;
import static dev.soci.testing.TestTar.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.ByteString;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.TarFormatException;
import dev.soci.ztoc.TocEntry;
import dev.soci.ztoc.UnsupportedTarEntryException;
import dev.soci.ztoc.internal.GoTime;
import dev.soci.ztoc.internal.TarToc;
import dev.soci.ztoc.internal.TarTocBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class TarTocBuilderTest {

  private interface Writer {
    void write(TarArchiveOutputStream out) throws Exception;
  }

  private static byte[] tar(int longFileMode, int bigNumberMode, Writer w) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(longFileMode);
      out.setBigNumberMode(bigNumberMode);
      w.write(out);
    }
    return bytes.toByteArray();
  }

  private static void add(TarArchiveOutputStream out, TarArchiveEntry e, byte[] data)
      throws Exception {
    e.setSize(data.length);
    out.putArchiveEntry(e);
    out.write(data);
    out.closeArchiveEntry();
  }

  private static TarToc parse(byte[] tar) throws dev.soci.core.SociException {
    TarTocBuilder b = new TarTocBuilder();
    b.write(tar, 0, tar.length);
    return b.finish();
  }

  @Test
  void gnuLongNamesAndLinks() throws Exception {
    String longName = "d/" + "n".repeat(300);
    String longLink = "t/" + "l".repeat(200);
    byte[] t =
        tar(
            TarArchiveOutputStream.LONGFILE_GNU,
            TarArchiveOutputStream.BIGNUMBER_STAR,
            out -> {
              add(out, new TarArchiveEntry(longName), "hi".getBytes(StandardCharsets.UTF_8));
              TarArchiveEntry link = new TarArchiveEntry("s", TarConstants.LF_SYMLINK);
              link.setLinkName(longLink);
              out.putArchiveEntry(link);
              out.closeArchiveEntry();
            });
    TarToc toc = parse(t);
    assertThat(toc.entries()).extracting(TocEntry::name).containsExactly(longName, "s");
    assertThat(toc.entries().get(1).linkname()).isEqualTo(longLink);
    assertThat(toc.entries().get(1).type()).isEqualTo(EntryType.SYMLINK);
    // GNU long-name header + its data block + the real header precede the data.
    assertThat(toc.entries().get(0).uncompressedOffset()).isEqualTo(512 + 512 + 512);
    assertThat(toc.endOffset()).isLessThanOrEqualTo(t.length);
  }

  @Test
  void base256SizesAndIds() throws Exception {
    byte[] t =
        tar(
            TarArchiveOutputStream.LONGFILE_GNU,
            TarArchiveOutputStream.BIGNUMBER_STAR,
            out -> {
              TarArchiveEntry e = new TarArchiveEntry("big-ids");
              e.setUserId(3_000_000L);
              e.setGroupId(0x7FFF_FFFFL + 5);
              add(out, e, new byte[0]);
            });
    TocEntry e = parse(t).entries().get(0);
    assertThat(e.uid()).isEqualTo(3_000_000L);
    assertThat(e.gid()).isEqualTo(0x7FFF_FFFFL + 5);
  }

  @Test
  void base256Size() throws Exception {
    // Hand-made header: size 8 GiB in base-256, then truncated data: the size is parsed right.
    byte[] h = header("huge", '0');
    Arrays.fill(h, 124, 136, (byte) 0);
    h[124] = (byte) 0x80;
    h[131] = 2; // 2 << 32 = 8 GiB
    checksum(h);
    TarTocBuilder b = new TarTocBuilder();
    b.write(h, 0, 512);
    b.write(new byte[4096], 0, 4096);
    assertThatThrownBy(b::finish).isInstanceOf(TarFormatException.class).hasMessageContaining("truncated");
  }

  @Test
  void entriesAppearAsTheirHeadersAreParsedSoAStreamingCallerCanKeepTheirData() throws Exception {
    byte[] big = new byte[5000];
    new java.util.Random(7).nextBytes(big);
    byte[] t =
        tar(
            TarArchiveOutputStream.LONGFILE_POSIX,
            TarArchiveOutputStream.BIGNUMBER_POSIX,
            out -> {
              TarArchiveEntry pax = new TarArchiveEntry("d/" + "n".repeat(150));
              add(out, pax, "first".getBytes(StandardCharsets.UTF_8));
              TarArchiveEntry dir = new TarArchiveEntry("d/sub/");
              out.putArchiveEntry(dir);
              out.closeArchiveEntry();
              add(out, new TarArchiveEntry("d/big"), big);
              add(out, new TarArchiveEntry("d/empty"), new byte[0]);
            });
    TarTocBuilder b = new TarTocBuilder();
    java.util.Map<String, ByteArrayOutputStream> kept = new java.util.LinkedHashMap<>();
    int seen = 0;
    long written = 0;
    for (int off = 0; off < t.length; off += 37) { // odd chunks: headers and data straddle them
      int n = Math.min(37, t.length - off);
      b.write(t, off, n);
      long chunkEnd = written + n;
      // Each entry parsed in this chunk starts its data at its offset; keep what the chunk holds.
      for (; seen < b.entries().size(); seen++) {
        kept.put(b.entries().get(seen).name(), new ByteArrayOutputStream());
      }
      for (TocEntry e : b.entries()) {
        long from = Math.max(written, e.uncompressedOffset());
        long to = Math.min(chunkEnd, e.uncompressedOffset() + e.uncompressedSize());
        if (e.type() == EntryType.REG && from < to) {
          kept.get(e.name()).write(t, (int) (off + from - written), (int) (to - from));
        }
      }
      written = chunkEnd;
    }
    TarToc toc = b.finish();
    assertThat(b.entries()).isEqualTo(toc.entries());
    assertThatThrownBy(() -> b.entries().add(toc.entries().get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(kept.get("d/" + "n".repeat(150)).toString(StandardCharsets.UTF_8)).isEqualTo("first");
    assertThat(kept.get("d/big").toByteArray()).isEqualTo(big);
    assertThat(kept.get("d/empty").toByteArray()).isEmpty();
    assertThat(kept).containsKey("d/sub/");
  }

  @Test
  void paxSubSecondMtimeAndXattrs() throws Exception {
    byte[] t =
        tar(
            TarArchiveOutputStream.LONGFILE_POSIX,
            TarArchiveOutputStream.BIGNUMBER_POSIX,
            out -> {
              TarArchiveEntry e = new TarArchiveEntry("ünï/file");
              e.addPaxHeader("mtime", "1715000000.1234567891");
              e.addPaxHeader("SCHILY.xattr.user.k", "v");
              add(out, e, "x".getBytes(StandardCharsets.UTF_8));
            });
    TocEntry e = parse(t).entries().get(0);
    assertThat(e.name()).isEqualTo("ünï/file");
    // commons-compress keeps 100 ns precision of the mtime it writes as a PAX record
    assertThat(e.paxRecord("mtime").orElseThrow().utf8()).startsWith("1715000000.1234567");
    assertThat(e.modTime()).isEqualTo("2024-05-06T12:53:20.1234567Z");
    assertThat(e.xattrs()).containsEntry(ByteString.utf8("user.k"), ByteString.utf8("v"));
    assertThat(e.xattr("user.k")).contains(ByteString.utf8("v"));
    assertThat(e.paxRecords())
        .containsOnlyKeys(ByteString.utf8("mtime"), ByteString.utf8("SCHILY.xattr.user.k"));
  }

  @Test
  void allEntryTypes() throws Exception {
    byte[] t =
        tar(
            TarArchiveOutputStream.LONGFILE_POSIX,
            TarArchiveOutputStream.BIGNUMBER_POSIX,
            out -> {
              add(out, new TarArchiveEntry("f"), new byte[700]);
              out.putArchiveEntry(new TarArchiveEntry("d/"));
              out.closeArchiveEntry();
              TarArchiveEntry h = new TarArchiveEntry("h", TarConstants.LF_LINK);
              h.setLinkName("f");
              out.putArchiveEntry(h);
              out.closeArchiveEntry();
              for (byte flag : new byte[] {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO}) {
                TarArchiveEntry dev = new TarArchiveEntry("dev" + (char) flag, flag);
                dev.setDevMajor(7);
                dev.setDevMinor(9);
                out.putArchiveEntry(dev);
                out.closeArchiveEntry();
              }
            });
    TarToc toc = parse(t);
    assertThat(toc.entries())
        .extracting(TocEntry::type)
        .containsExactly(
            EntryType.REG, EntryType.DIR, EntryType.HARDLINK, EntryType.CHAR, EntryType.BLOCK,
            EntryType.FIFO);
    long first = toc.entries().get(0).uncompressedOffset();
    assertThat(first % 512).isZero();
    // 700 data bytes padded to 1024, then (possibly PAX +) the dir's header
    assertThat(toc.entries().get(1).uncompressedOffset()).isGreaterThanOrEqualTo(first + 1024 + 512);
    assertThat(toc.entries().get(3).devmajor()).isEqualTo(7);
    assertThat(toc.entries().get(3).devminor()).isEqualTo(9);
    // two zero blocks end the archive; the record padding after them is not counted
    assertThat(toc.endOffset()).isEqualTo(toc.entries().get(5).uncompressedOffset() + 1024);
  }

  @Test
  void goTimeRendering() {
    assertThat(GoTime.marshalText(0, 0)).isEqualTo("1970-01-01T00:00:00Z");
    long[] t = GoTime.parsePaxTime("1715000000.1234567891");
    assertThat(GoTime.marshalText(t[0], t[1])).isEqualTo("2024-05-06T12:53:20.123456789Z");
    t = GoTime.parsePaxTime("-1.5");
    assertThat(GoTime.marshalText(t[0], t[1])).isEqualTo("1969-12-31T23:59:58.5Z");
    assertThat(GoTime.parsePaxTime(".5")).isNull();
    assertThat(GoTime.marshalText(253402300800L, 0)).isNull();
  }

  @Test
  void gnuSparseIsRefusedNamingEntryAndFlag() throws Exception {
    byte[] h = header("sparse-file", 'S');
    byte[] t = Arrays.copyOf(h, 512 * 3);
    assertThatThrownBy(() -> parse(t))
        .isInstanceOfSatisfying(
            UnsupportedTarEntryException.class,
            e -> {
              assertThat(e.entryName()).isEqualTo("sparse-file");
              assertThat(e.typeFlag()).isEqualTo('S');
            })
        .hasMessageContaining("sparse-file")
        .hasMessageContaining("'S'");
  }

  @Test
  void badChecksumAndTruncationAreTyped() throws Exception {
    byte[] h = header("f", '0');
    h[0] = 'g'; // checksum no longer matches
    assertThatThrownBy(() -> parse(h)).isInstanceOf(TarFormatException.class).hasMessageContaining("checksum");
    byte[] ok = header("f", '0');
    assertThatThrownBy(() -> parse(Arrays.copyOf(ok, 300))).isInstanceOf(TarFormatException.class);
  }

  @Test
  void signedChecksumAccepted() throws Exception {
    byte[] h = header("\u00e9", '0'); // a byte >= 0x80 makes the sums differ
    long signed = 0;
    for (int i = 0; i < 512; i++) {
      signed += (i >= 148 && i < 156) ? ' ' : h[i];
    }
    byte[] field = String.format("%06o\0 ", signed).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(field, 0, h, 148, 8);
    assertThat(parse(h).entries()).hasSize(1);
  }

  @Test
  void oversizedPaxIsRefused() throws Exception {
    byte[] h = header("PaxHeaders/x", 'x');
    byte[] size = String.format("%011o\0", TarTocBuilder.MAX_SPECIAL_RECORD_SIZE + 1).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, h, 124, 12);
    checksum(h);
    assertThatThrownBy(() -> parse(h)).isInstanceOf(TarFormatException.class).hasMessageContaining("limit");
  }

  @Test
  void randomCorruptionOnlyGivesTypedErrors() throws Exception {
    byte[] base =
        tar(
            TarArchiveOutputStream.LONGFILE_POSIX,
            TarArchiveOutputStream.BIGNUMBER_POSIX,
            out -> {
              TarArchiveEntry e = new TarArchiveEntry("dir/" + "x".repeat(120));
              e.addPaxHeader("mtime", "1.5");
              add(out, e, new byte[1000]);
              add(out, new TarArchiveEntry("b"), new byte[10]);
            });
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 3000; round++) {
      byte[] t = base.clone();
      for (int k = 0; k < 1 + random.nextInt(3); k++) {
        t[random.nextInt(Math.min(t.length, 4096))] = (byte) random.nextInt(256);
      }
      int len = random.nextInt(10) == 0 ? random.nextInt(t.length) : t.length;
      try {
        TarTocBuilder b = new TarTocBuilder();
        int p = 0;
        while (p < len) {
          int n = Math.min(len - p, 1 + random.nextInt(700));
          b.write(t, p, n);
          p += n;
        }
        b.finish();
      } catch (TarFormatException expected) {
        // typed rejection is the only acceptable failure
      }
    }
  }

  /** A minimal ustar header with a valid checksum. */
  private static byte[] header(String name, char flag) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, n.length);
    put(h, 100, "0000644\0");
    put(h, 108, "0000000\0");
    put(h, 116, "0000000\0");
    put(h, 124, "00000000000\0");
    put(h, 136, "00000000000\0");
    h[156] = (byte) flag;
    put(h, 257, "ustar\0");
    put(h, 263, "00");
    checksum(h);
    return h;
  }

}
