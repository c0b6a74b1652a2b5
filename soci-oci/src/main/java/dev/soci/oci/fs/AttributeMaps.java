package dev.soci.oci.fs;

import dev.soci.oci.image.ImageEntry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link java.nio.file.Files#readAttributes(java.nio.file.Path, String,
 * java.nio.file.LinkOption...)} for a {@link SociFileSystem}: {@code [view:]name,name...} or
 * {@code [view:]*}, the view {@code basic} when none is given.
 */
final class AttributeMaps {
  private static final List<String> BASIC = List.of("lastModifiedTime", "lastAccessTime",
      "creationTime", "size", "isRegularFile", "isDirectory", "isSymbolicLink", "isOther",
      "fileKey");
  private static final List<String> OWNER = List.of("owner");
  private static final List<String> POSIX = List.of("permissions", "group");
  private static final List<String> UNIX = List.of("mode", "ino", "dev", "rdev", "nlink", "uid",
      "gid", "ctime");
  private static final List<String> SOCI = List.of("layer", "entryIndex", "uname", "gname",
      "linkTarget", "xattrs");

  private AttributeMaps() {}

  /** The names {@code view} has, its parents' included. */
  private static List<String> names(String view) {
    List<String> out = new java.util.ArrayList<>();
    switch (view) {
      case "basic" -> out.addAll(BASIC);
      case "owner" -> out.addAll(OWNER);
      case "posix" -> {
        out.addAll(BASIC);
        out.addAll(OWNER);
        out.addAll(POSIX);
      }
      case "unix" -> {
        out.addAll(BASIC);
        out.addAll(OWNER);
        out.addAll(POSIX);
        out.addAll(UNIX);
      }
      case "soci" -> {
        out.addAll(BASIC);
        out.addAll(SOCI);
      }
      default -> throw new UnsupportedOperationException("view '" + view
          + "' is not available (basic, posix, owner, unix, soci)");
    }
    return out;
  }

  static Map<String, Object> read(SociFileSystem fs, SociPath path, String attributes,
      boolean follow) throws IOException {
    int colon = attributes.indexOf(':');
    String view = colon < 0 ? "basic" : attributes.substring(0, colon);
    String list = colon < 0 ? attributes : attributes.substring(colon + 1);
    List<String> known = names(view);
    List<String> wanted = new java.util.ArrayList<>();
    for (String n : list.split(",", -1)) {
      if (n.equals("*")) {
        wanted.addAll(known);
      } else if (known.contains(n)) {
        wanted.add(n);
      } else {
        throw new IllegalArgumentException("'" + n + "' is not an attribute of view '" + view
            + "'");
      }
    }
    SociFileAttributes a = new SociFileAttributes(fs.lookup(path, follow));
    Map<String, Object> out = new LinkedHashMap<>();
    for (String n : wanted) {
      out.put(n, value(fs, a, n));
    }
    return out;
  }

  private static Object value(SociFileSystem fs, SociFileAttributes a, String name)
      throws IOException {
    ImageEntry e = a.entry();
    return switch (name) {
      case "lastModifiedTime" -> a.lastModifiedTime();
      case "lastAccessTime" -> a.lastAccessTime();
      case "creationTime" -> a.creationTime();
      case "size" -> a.size();
      case "isRegularFile" -> a.isRegularFile();
      case "isDirectory" -> a.isDirectory();
      case "isSymbolicLink" -> a.isSymbolicLink();
      case "isOther" -> a.isOther();
      case "fileKey" -> a.fileKey();
      case "owner" -> a.owner();
      case "group" -> a.group();
      case "permissions" -> a.permissions();
      case "mode" -> a.unixMode();
      case "ino" -> e.fileKey();
      case "dev" -> 0L;
      case "rdev" -> a.rdev();
      case "nlink" -> fs.linkCount(e);
      case "uid" -> (int) e.uid();
      case "gid" -> (int) e.gid();
      case "ctime" -> a.changeTime();
      case "layer" -> e.layer();
      case "entryIndex" -> e.entryIndex();
      case "uname" -> e.uname();
      case "gname" -> e.gname();
      case "linkTarget" -> e.linkTarget();
      case "xattrs" -> {
        Map<String, byte[]> x = new TreeMap<>();
        e.xattrs().forEach((k, v) -> x.put(k, v.toByteArray()));
        yield x;
      }
      default -> throw new IllegalArgumentException(name);
    };
  }
}
