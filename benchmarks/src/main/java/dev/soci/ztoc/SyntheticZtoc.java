package dev.soci.ztoc;

import dev.soci.core.Compression;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.GzipZinfo;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic zTOC model shaped like a big real layer (a distro plus language packages): a
 * directory tree a few levels deep with many small files, some symbolic links, an occasional
 * file with extended attributes, entries in tar order with tar-consistent offsets, and a gzip
 * zinfo with one 32 KiB checkpoint per 4 MiB span of the implied uncompressed size.
 *
 * <p>Building the model directly (instead of generating and indexing a tar with 100 000 files)
 * keeps setup at a second or two; what the lookup benchmark measures only depends on the zTOC
 * bytes, which {@link ZtocEncoder} produces exactly as for an indexed layer.
 */
// In soci-ztoc's package (benchmarks run on the class path): the model types it fills in and
// encodes are package-private there.
public final class SyntheticZtoc {
  private static final String[] TOP = {
    "usr/lib/python3.11/site-packages", "usr/share/doc", "usr/lib/node_modules", "usr/include",
    "usr/share/locale", "opt/app/lib", "usr/lib/x86_64-linux-gnu", "etc", "usr/share/man/man3"
  };
  private static final String[] PARTS = {
    "core", "util", "io", "net", "http", "json", "yaml", "crypto", "test", "tests", "internal",
    "vendor", "src", "lib", "common", "api", "client", "server", "models", "views", "data", "ext"
  };
  private static final String[] EXT = {".py", ".pyc", ".js", ".json", ".h", ".so.1", ".md", ".txt", ".mo", ".gz"};
  private static final long SPAN = 4L << 20;

  private SyntheticZtoc() {}

  /** The encoded zTOC of {@link #model}: what the lookup benchmarks open. */
  public static byte[] encoded(int entries, long seed) {
    return ZtocEncoder.encode(model(entries, seed));
  }

  /** A model with exactly {@code entries} TOC entries; the same for the same seed. */
  static Ztoc model(int entries, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<TocEntry> toc = new ArrayList<>(entries);
    List<String> recentFiles = new ArrayList<>();
    long offset = 512; // data of the first entry follows its header
    int pkg = 0;
    while (toc.size() < entries) {
      // One "package": a directory subtree written depth-first, as tar walks a filesystem.
      String root = TOP[rnd.nextInt(TOP.length)] + "/pkg" + (pkg++) + "-" + PARTS[rnd.nextInt(PARTS.length)];
      List<String> dirs = new ArrayList<>();
      dirs.add(root);
      int subdirs = rnd.nextInt(6);
      for (int d = 0; d < subdirs; d++) {
        String parent = dirs.get(rnd.nextInt(dirs.size()));
        dirs.add(parent + "/" + PARTS[rnd.nextInt(PARTS.length)] + d);
      }
      for (String dir : dirs) {
        if (toc.size() == entries) {
          break;
        }
        toc.add(entry(dir + "/", EntryType.DIR, offset, 0, "", 0755, Map.of()));
        offset += 512;
        int files = 1 + rnd.nextInt(30);
        for (int f = 0; f < files && toc.size() < entries; f++) {
          String name = dir + "/" + PARTS[rnd.nextInt(PARTS.length)] + "_" + f + EXT[rnd.nextInt(EXT.length)];
          int kind = rnd.nextInt(100);
          if (kind < 5 && !recentFiles.isEmpty()) {
            String target = recentFiles.get(rnd.nextInt(recentFiles.size()));
            toc.add(entry(name, EntryType.SYMLINK, offset, 0, "/" + target, 0777, Map.of()));
            offset += 512;
            continue;
          }
          // Mostly small files with a long tail: 100 B .. ~1 MB, median a few KiB.
          long size = (long) Math.exp(4.6 + rnd.nextDouble() * rnd.nextDouble() * 9.3);
          Map<String, String> pax = kind == 99
              ? Map.of("SCHILY.xattr.security.capability", "\u0001\u0000\u0000\u0002 \u0000\u0000\u0000")
              : Map.of();
          toc.add(entry(name, EntryType.REG, offset, size, "", 0644, pax));
          offset += (size + 511) / 512 * 512 + 512;
          recentFiles.add(name);
          if (recentFiles.size() > 64) {
            recentFiles.remove(0);
          }
        }
      }
    }
    long tarSize = offset - 512 + 1024; // last header counted ahead; plus end-of-archive
    int spans = (int) Math.max(1, (tarSize + SPAN - 1) / SPAN);
    List<Checkpoint> cps = new ArrayList<>(spans);
    List<String> digests = new ArrayList<>(spans);
    HexFormat hex = HexFormat.of();
    byte[] d = new byte[32];
    for (int i = 0; i < spans; i++) {
      // Compressed offsets at roughly 2:1; window contents do not matter to parsing.
      cps.add(new Checkpoint(10 + i * (SPAN / 2), i * SPAN, i == 0 ? 0 : i % 8, new byte[Checkpoint.WINDOW_SIZE]));
      rnd.nextBytes(d);
      digests.add("sha256:" + hex.formatHex(d));
    }
    byte[] zinfo = new GzipZinfo(SPAN, cps).toBytes();
    return new Ztoc(Ztoc.VERSION, "soci-java benchmarks", tarSize / 2, tarSize, toc,
        new CompressionInfo(Compression.GZIP, spans - 1, digests, zinfo));
  }

  private static TocEntry entry(String name, EntryType type, long offset, long size, String link, long mode,
      Map<String, String> pax) {
    return new TocEntry(name, type, offset, size, link, mode, 0, 0, "root", "root",
        "2024-03-01T12:00:00Z", 0, 0, new TreeMap<>(pax));
  }
}
