package dev.soci.oci.layout;

import dev.soci.core.RangeSource;
import dev.soci.oci.Digest;
import dev.soci.oci.DocumentTooLargeException;
import dev.soci.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a layout's bytes are: the files of a layout directory, or the entries of a layout tar
 * archive (indexed once, read in place). {@link OciLayout} reads through this and checks what
 * it reads against descriptors; only a directory can be written.
 */
sealed interface LayoutFiles permits LayoutFiles.Directory, LayoutFiles.Archive {

  /** Opens the layout at {@code path}: a directory, or a regular file holding a tar archive. */
  static LayoutFiles open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return new Directory(path);
    }
    if (Files.isRegularFile(path)) {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        return new Archive(path, TarReader.index(ch, path));
      }
    }
    throw new LayoutException("no image layout at " + path);
  }

  /**
   * A small file at the layout's top ({@code oci-layout}, {@code index.json}), or null when
   * absent; refused above {@link DocumentTooLargeException#MAX_SIZE}.
   */
  byte[] readFile(String name) throws IOException;

  /** The size of every blob stored under a valid digest name (others are ignored). */
  SortedMap<Digest, Long> blobSizes() throws IOException;

  /** Whether a blob with this digest is present (its content is not checked). */
  boolean hasBlob(Digest d) throws IOException;

  /**
   * The stored size of blob {@code d}, or -1 when it is absent.
   *
   * @throws LayoutException when its file is not a regular file
   */
  long blobSize(Digest d) throws IOException;

  /** The raw bytes of a present blob (call {@link #blobSize} first). */
  InputStream openBlob(Digest d) throws IOException;

  /** Random access to a present blob of {@code size} bytes (call {@link #blobSize} first). */
  RangeSource openRanges(Digest d, long size) throws IOException;

  /** A layout directory: writable; every path is derived from a validated digest. */
  record Directory(Path root) implements LayoutFiles {
    @Override
    public byte[] readFile(String name) throws IOException {
      Path p = root.resolve(name);
      BasicFileAttributes a = BlobFiles.attributes(p);
      if (a == null) {
        return null;
      }
      if (!a.isRegularFile()) {
        throw new LayoutException("refusing " + p + ": not a regular file");
      }
      DocumentTooLargeException.check(p.toString(), a.size());
      return Files.readAllBytes(p);
    }

    @Override
    public SortedMap<Digest, Long> blobSizes() throws IOException {
      SortedMap<Digest, Long> found = new TreeMap<>();
      Path blobs = root.resolve("blobs");
      BlobFiles.refuseSymlink(blobs);
      if (!Files.isDirectory(blobs, LinkOption.NOFOLLOW_LINKS)) {
        return found;
      }
      try (Stream<Path> algs = Files.list(blobs)) {
        for (Path alg : algs.toList()) {
          if (!Files.isDirectory(alg, LinkOption.NOFOLLOW_LINKS)) {
            continue;
          }
          try (Stream<Path> files = Files.list(alg)) {
            for (Path f : files.toList()) {
              Digest d = digestOrNull(alg.getFileName() + ":" + f.getFileName());
              BasicFileAttributes a = BlobFiles.attributes(f);
              if (d != null && a != null && a.isRegularFile()) {
                found.put(d, a.size());
              }
            }
          }
        }
      }
      return found;
    }

    @Override
    public boolean hasBlob(Digest d) throws IOException {
      BasicFileAttributes a = BlobFiles.attributes(BlobFiles.path(root, d));
      return a != null && a.isRegularFile();
    }

    @Override
    public long blobSize(Digest d) throws IOException {
      Path p = BlobFiles.path(root, d);
      BasicFileAttributes a = BlobFiles.attributes(p);
      if (a == null) {
        return -1;
      }
      if (a.isSymbolicLink() || !a.isRegularFile()) {
        throw new LayoutException("refusing blob " + p + ": not a regular file");
      }
      return a.size();
    }

    @Override
    public InputStream openBlob(Digest d) throws IOException {
      // NOFOLLOW_LINKS closes the window between the check in blobSize and the open.
      return Channels.newInputStream(Files.newByteChannel(BlobFiles.path(root, d),
          Set.<OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)));
    }

    @Override
    public RangeSource openRanges(Digest d, long size) throws IOException {
      // Checked by blobSize; refused if a link is swapped in since.
      return RangeSource.of(BlobFiles.path(root, d), LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** A layout tar archive: read-only, its regular files indexed by cleaned name. */
  record Archive(Path tar, Map<String, TarReader.Entry> entries) implements LayoutFiles {
    @Override
    public byte[] readFile(String name) throws IOException {
      TarReader.Entry e = entries.get(name);
      if (e == null) {
        return null;
      }
      DocumentTooLargeException.check(tar + ": " + name, e.size());
      try (InputStream in = TarReader.open(tar, e)) {
        return in.readAllBytes();
      }
    }

    @Override
    public SortedMap<Digest, Long> blobSizes() {
      SortedMap<Digest, Long> found = new TreeMap<>();
      for (Map.Entry<String, TarReader.Entry> e : entries.entrySet()) {
        String[] parts = e.getKey().split("/");
        if (parts.length == 3 && parts[0].equals("blobs")) {
          Digest d = digestOrNull(parts[1] + ":" + parts[2]);
          if (d != null) {
            found.put(d, e.getValue().size());
          }
        }
      }
      return found;
    }

    @Override
    public boolean hasBlob(Digest d) {
      return entries.containsKey(BlobFiles.relativePath(d));
    }

    @Override
    public long blobSize(Digest d) {
      TarReader.Entry e = entries.get(BlobFiles.relativePath(d));
      return e == null ? -1 : e.size();
    }

    @Override
    public InputStream openBlob(Digest d) throws IOException {
      return TarReader.open(tar, entries.get(BlobFiles.relativePath(d)));
    }

    @Override
    public RangeSource openRanges(Digest d, long size) throws IOException {
      TarReader.Entry e = entries.get(BlobFiles.relativePath(d));
      RangeSource archive = RangeSource.of(tar);
      try {
        return archive.slice(e.offset(), e.size());
      } catch (IOException | RuntimeException ex) {
        archive.close();
        throw ex;
      }
    }
  }

  /** A blob file name as a digest, or null when it is not a valid one (never made a path). */
  private static Digest digestOrNull(String s) {
    try {
      return Digest.parse(s);
    } catch (OciException e) {
      return null;
    }
  }
}
