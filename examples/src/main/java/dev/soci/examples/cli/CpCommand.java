package dev.soci.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci cp IMAGE PATH DEST}: copies a file or a directory tree out of an image's merged
 * root filesystem, as {@code cp -a} (or {@code tar -xp}) would: modes (set-id and sticky bits
 * included), symbolic links as links, hard-linked files as hard links of one copy, modification
 * and access times, and owners (numeric ids) when run as root. Only what is copied is fetched.
 *
 * <p>Where it goes: a directory PATH goes to DEST/NAME when DEST is an existing directory, else
 * to DEST (created; its parent must exist); the root {@code /} always fills DEST itself
 * (created if missing), so {@code soci cp IMAGE / DEST} writes the whole root filesystem there.
 * A file PATH goes to DEST/NAME or DEST likewise. PATH's last name is not followed if it is a
 * link (the link is copied) unless {@code -L}.
 *
 * <p>Safety: nothing outside DEST is written. No link is followed while writing: every file is
 * created anew ({@code O_EXCL}, which refuses a link in its place), every directory too unless
 * a real directory (not a link to one) is already there, attributes are set without following
 * links, and names are checked to be single path components. Nothing existing is overwritten: a
 * file already at a target is an error. Devices and FIFOs are skipped with a note (Java cannot
 * create them).
 */
@Command(
    name = "cp",
    mixinStandardHelpOptions = true,
    description = "Copy a file or directory tree out of an image (layout or registry) with "
        + "modes, links, hard links, times, and owners when root; / copies the whole root "
        + "filesystem.")
final class CpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegistryOptions registries;

  @Mixin ImageFileSystem images;

  @Option(names = {"-L", "--dereference"},
      description = "If PATH is a symbolic link, copy what it points to.")
  boolean dereference;

  @Parameters(index = "0", paramLabel = "IMAGE", converter = ImageArgument.Converter.class,
      description = "Layout directory or tar, oci-archive:PATH, or docker://HOST/REPO[:TAG].")
  ImageArgument image;

  @Parameters(index = "1", paramLabel = "PATH", description = "The file or directory to copy.")
  String path;

  @Parameters(index = "2", paramLabel = "DEST", description = "Where to copy it (on this host).")
  Path dest;

  /** Counts for the closing note. */
  private long files;
  private long bytes;
  private long dirs;
  private long links;
  private long hardLinks;
  private long skipped;

  @Override
  public Integer call() throws Exception {
    registries.validate(spec.commandLine());
    PrintWriter err = spec.commandLine().getErr();
    try (ImageFileSystem.Opened img = images.open(image, registries, err)) {
      Path source = img.fs.getPath(path).toAbsolutePath();
      if (dereference) {
        source = source.toRealPath();
      }
      BasicFileAttributes top = Files.readAttributes(source, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      Path target;
      boolean destIsDir = Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS);
      if (source.getNameCount() == 0) {
        target = dest; // the root fills DEST
      } else {
        target = destIsDir ? child(dest, source.getFileName().toString()) : dest;
      }
      if (Files.isSymbolicLink(dest) && (source.getNameCount() == 0 || !top.isDirectory())) {
        throw new FileSystemException(dest.toString(), null,
            "is a symbolic link; soci cp follows no link when writing");
      }
      new Copier(source, target, err).run(top.isDirectory());
      if (!images.quiet) {
        err.println("soci: copied " + files + " files (" + bytes + " bytes), " + dirs
            + " directories, " + links + " symbolic links, " + hardLinks + " hard links"
            + (skipped > 0 ? "; skipped " + skipped + " devices or FIFOs" : ""));
        err.flush();
      }
    }
    return 0;
  }

  /** {@code dir}'s child {@code name}, which must be one plain path component. */
  static Path child(Path dir, String name) throws FileSystemException {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0) {
      throw new FileSystemException(dir + "/" + name, null,
          "an image name that is not a single path component; refusing to write it");
    }
    Path p = dir.resolve(name);
    if (!dir.equals(p.getParent())) {
      throw new FileSystemException(p.toString(), null, "would be outside " + dir);
    }
    return p;
  }

  /** One copy: a walk of the source, writing under the target. */
  private final class Copier extends SimpleFileVisitor<Path> {
    private final Path source;
    private final Path target;
    private final PrintWriter err;
    /** Copies made so far per file key, for hard links. */
    private final Map<Object, Path> copies = new HashMap<>();
    /** The targets of the directories being walked, innermost first. */
    private final Deque<Path> targets = new ArrayDeque<>();
    private Boolean root;

    Copier(Path source, Path target, PrintWriter err) {
      this.source = source;
      this.target = target;
      this.err = err;
    }

    void run(boolean directory) throws IOException {
      if (directory) {
        Files.walkFileTree(source, this);
      } else {
        copy(source, target, Files.readAttributes(source, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS));
      }
    }

    private Path targetOf(Path p) throws FileSystemException {
      if (p.equals(source)) {
        return target;
      }
      return child(targets.peek(), p.getFileName().toString());
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
        throws IOException {
      Path t = targetOf(dir);
      if (Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
        // an existing real directory: entered (DEST itself, typically)
      } else {
        Files.createDirectory(t); // fails on anything there, a link included
      }
      targets.push(t);
      dirs++;
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
      if (exc != null) {
        throw exc;
      }
      Path t = targets.pop();
      // After the children: a read-only directory would refuse them, and they change its mtime.
      metadata(dir, t, false);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      copy(file, targetOf(file), attrs);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
      throw exc;
    }

    private void copy(Path file, Path t, BasicFileAttributes attrs) throws IOException {
      if (attrs.isSymbolicLink()) {
        // The target as stored, never resolved: the link is written, not followed.
        Files.createSymbolicLink(t, Path.of(Files.readSymbolicLink(file).toString()));
        links++;
        metadata(file, t, true);
        return;
      }
      if (attrs.isRegularFile()) {
        Path first = copies.get(attrs.fileKey());
        if (first != null) {
          Files.createLink(t, first);
          hardLinks++;
          return;
        }
        try (InputStream in = Files.newInputStream(file);
            OutputStream out = Files.newOutputStream(t, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
          bytes += in.transferTo(out);
        }
        copies.put(attrs.fileKey(), t);
        files++;
        metadata(file, t, false);
        return;
      }
      skipped++;
      if (!images.quiet) {
        err.println("soci: skipped " + LsCommand.quote(file.toString()) + " (a device or FIFO,"
            + " which Java cannot create)");
        err.flush();
      }
    }

    /** Owner (as root), mode and times of {@code t} from {@code p}, no link followed. */
    private void metadata(Path p, Path t, boolean link) throws IOException {
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid",
          LinkOption.NOFOLLOW_LINKS);
      if (root == null) {
        root = ((Integer) Files.getAttribute(t, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0;
      }
      if (root) {
        // Owners first: chown clears the set-id bits that chmod sets next.
        Files.setAttribute(t, "unix:uid", a.get("uid"), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(t, "unix:gid", a.get("gid"), LinkOption.NOFOLLOW_LINKS);
      }
      if (!link) { // Linux has no mode for a link itself
        Files.setAttribute(t, "unix:mode", ((Integer) a.get("mode")) & 07777,
            LinkOption.NOFOLLOW_LINKS);
      }
      BasicFileAttributes b = Files.readAttributes(p, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      FileTime m = b.lastModifiedTime();
      Files.getFileAttributeView(t, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(m, b.lastAccessTime(), null);
    }
  }
}
