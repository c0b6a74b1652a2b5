package dev.soci.oci.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Two trees compared through {@link Files} alone, so that either may be on any file system (an
 * unpacked rootfs on disk, a {@link SociFileSystem}, a {@code soci cp} copy): the same paths,
 * and for each its type, mode ({@code unix:mode}), a file's bytes and modification time, a
 * link's target, and the same hard-link groups (file keys matched one to one).
 */
public final class TreeComparison {
  /** What to compare beyond paths, types, modes, bytes, targets and link groups. */
  public static final class Options {
    boolean devicesAsEmptyFiles;
    boolean ownerIds;
    boolean directoryTimes;
    boolean linkTimes;
    Set<String> ignored = Set.of();

    /** The expected side (a rootless unpack) has empty regular files for devices. */
    public Options devicesAsEmptyFiles() {
      devicesAsEmptyFiles = true;
      return this;
    }

    /** Compare {@code unix:uid} and {@code unix:gid} too. */
    public Options ownerIds() {
      ownerIds = true;
      return this;
    }

    /** Compare directories' modification times too. */
    public Options directoryTimes() {
      directoryTimes = true;
      return this;
    }

    /** Compare symbolic links' own modification times too. */
    public Options linkTimes() {
      linkTimes = true;
      return this;
    }

    /** Paths (relative, as {@code a/b}) left out of the comparison on both sides. */
    public Options ignoring(Set<String> paths) {
      ignored = paths;
      return this;
    }
  }

  private TreeComparison() {}

  /** Every path under {@code root} (not following links) by its relative name; "" the root. */
  public static Map<String, Path> paths(Path root) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(p -> out.put(root.relativize(p).toString(), p));
    }
    return out;
  }

  /**
   * Asserts {@code actual} shows what {@code expected} does.
   *
   * @return the number of paths compared
   */
  public static int assertSameTree(Path expected, Path actual, Options o) throws IOException {
    Map<String, Path> want = paths(expected);
    Map<String, Path> got = paths(actual);
    want.keySet().removeAll(o.ignored);
    got.keySet().removeAll(o.ignored);
    assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
    Map<Object, Object> keyMap = new HashMap<>();
    Map<Object, Object> keyBack = new HashMap<>();
    for (Map.Entry<String, Path> e : want.entrySet()) {
      String at = "/" + e.getKey();
      Path w = e.getValue();
      Path g = got.get(e.getKey());
      int wm = (Integer) Files.getAttribute(w, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      int gm = (Integer) Files.getAttribute(g, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      int gType = gm & 0170000;
      if (o.devicesAsEmptyFiles && (gType == 0020000 || gType == 0060000)) {
        assertThat(wm & 0170000).as(at + " device unpacked as a file").isEqualTo(0100000);
        assertThat(Files.size(w)).as(at).isZero();
        assertThat(wm & 07777).as(at + " mode").isEqualTo(gm & 07777);
        continue;
      }
      assertThat(Integer.toOctalString(gm & 0170000)).as(at + " type")
          .isEqualTo(Integer.toOctalString(wm & 0170000));
      BasicFileAttributes wa = Files.readAttributes(w, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      BasicFileAttributes ga = Files.readAttributes(g, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!wa.isSymbolicLink()) { // a link's own mode is 0777 on Linux, whatever the tar says
        assertThat(Integer.toOctalString(gm & 07777)).as(at + " mode")
            .isEqualTo(Integer.toOctalString(wm & 07777));
      }
      if (o.ownerIds) {
        assertThat(Files.getAttribute(g, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(at + " uid")
            .isEqualTo(Files.getAttribute(w, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertThat(Files.getAttribute(g, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(at + " gid")
            .isEqualTo(Files.getAttribute(w, "unix:gid", LinkOption.NOFOLLOW_LINKS));
      }
      if (wa.isRegularFile()) {
        assertThat(Files.readAllBytes(g)).as(at).isEqualTo(Files.readAllBytes(w));
        assertThat(ga.lastModifiedTime()).as(at + " mtime").isEqualTo(wa.lastModifiedTime());
        Object wk = wa.fileKey();
        Object gk = ga.fileKey();
        assertThat(keyMap.computeIfAbsent(wk, k -> gk)).as(at + " hard-link group").isEqualTo(gk);
        assertThat(keyBack.computeIfAbsent(gk, k -> wk)).as(at + " hard-link group").isEqualTo(wk);
      }
      if (wa.isSymbolicLink()) {
        assertThat(Files.readSymbolicLink(g).toString()).as(at)
            .isEqualTo(Files.readSymbolicLink(w).toString());
        if (o.linkTimes) {
          assertThat(ga.lastModifiedTime()).as(at + " mtime").isEqualTo(wa.lastModifiedTime());
        }
      }
      if (wa.isDirectory() && o.directoryTimes) {
        assertThat(ga.lastModifiedTime()).as(at + " mtime").isEqualTo(wa.lastModifiedTime());
      }
    }
    return want.size();
  }
}
