package dev.soci.oci.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** A layer tar written entry by entry (commons-compress, PAX for long names and big numbers). */
public final class LayerTar {
  public static final Instant TIME = Instant.parse("2024-05-06T07:08:09Z");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);

  public LayerTar() {
    out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  public LayerTar dir(String path) {
    return dir(path, 0755, 0, 0);
  }

  public LayerTar dir(String path, int mode, long uid, long gid) {
    TarArchiveEntry e = new TarArchiveEntry(path.endsWith("/") ? path : path + "/");
    return put(e, mode, uid, gid, null);
  }

  public LayerTar file(String path, String content) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
  }

  public LayerTar file(String path, byte[] content, int mode, long uid, long gid) {
    TarArchiveEntry e = new TarArchiveEntry(path);
    e.setSize(content.length);
    return put(e, mode, uid, gid, content);
  }

  public LayerTar symlink(String path, String target) {
    TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    return put(e, 0777, 0, 0, null);
  }

  public LayerTar hardlink(String path, String target) {
    TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_LINK);
    e.setLinkName(target);
    return put(e, 0644, 0, 0, null);
  }

  public LayerTar fifo(String path) {
    return put(new TarArchiveEntry(path, TarConstants.LF_FIFO), 0600, 0, 0, null);
  }

  public LayerTar device(String path, boolean block, int major, int minor) {
    TarArchiveEntry e = new TarArchiveEntry(path, block ? TarConstants.LF_BLK : TarConstants.LF_CHR);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return put(e, 0660, 0, 0, null);
  }

  /** A whiteout removing {@code path} of the lower layers. */
  public LayerTar whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String wh = path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
    return put(new TarArchiveEntry(wh), 0, 0, 0, new byte[0]);
  }

  /** The opaque marker of directory {@code dir}. */
  public LayerTar opaque(String dir) {
    String d = dir.isEmpty() || dir.endsWith("/") ? dir : dir + "/";
    return put(new TarArchiveEntry(d + ".wh..wh..opq"), 0, 0, 0, new byte[0]);
  }

  /** A file with owner names, PAX times and extended attributes. */
  public LayerTar richFile(String path, String content, String uname, String gname,
      Map<String, String> pax) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(path);
    e.setSize(data.length);
    e.setUserName(uname);
    e.setGroupName(gname);
    pax.forEach(e::addPaxHeader);
    return put(e, 04755, 1000, 2000, data);
  }

  /** Any entry, as the caller set it up. */
  public LayerTar raw(TarArchiveEntry e, byte[] data) {
    try {
      if (data != null) {
        e.setSize(data.length);
      }
      out.putArchiveEntry(e);
      if (data != null) {
        out.write(data);
      }
      out.closeArchiveEntry();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return this;
  }

  private LayerTar put(TarArchiveEntry e, int mode, long uid, long gid, byte[] data) {
    e.setMode(mode | (e.isDirectory() ? 040000 : e.isSymbolicLink() ? 0120000 : e.isFile() ? 0100000 : 0));
    e.setUserId(uid);
    e.setGroupId(gid);
    e.setModTime(FileTime.from(TIME));
    return raw(e, data);
  }

  /** The uncompressed tar. */
  public byte[] tar() {
    try {
      out.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The gzip-compressed tar. */
  public byte[] gzip() {
    return gzip(tar());
  }

  public static byte[] gzip(byte[] tar) {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(z)) {
      g.write(tar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return z.toByteArray();
  }
}
