package dev.soci.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci du [-a] IMAGE [PATH]}: apparent sizes in bytes, as {@code du -s -b} (or with
 * {@code -a}, {@code du -a -b}) prints them on an unpacked image, from the zTOCs alone: the
 * sizes of regular files, each hard-linked file once, and of symbolic links (their targets'
 * lengths); directories count 0 (an image records no size for them), devices and FIFOs 0.
 * PATH (default {@code /}) is followed if it is a link. Lines are {@code SIZE<TAB>PATH}, PATH
 * absolute; {@code -a} prints every path below PATH too, children before their directory, as
 * du does.
 */
@Command(
    name = "du",
    mixinStandardHelpOptions = true,
    description = "Sum the apparent sizes of an image's files (layout or registry) from its "
        + "zTOCs, as du -s -b would on the unpacked image; -a for every path.")
final class DuCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegistryOptions registries;

  @Mixin ImageFileSystem images;

  @Option(names = {"-a", "--all"}, description = "A line for every path, not only PATH.")
  boolean all;

  @Parameters(index = "0", paramLabel = "IMAGE", converter = ImageArgument.Converter.class,
      description = "Layout directory or tar, oci-archive:PATH, or docker://HOST/REPO[:TAG].")
  ImageArgument image;

  @Parameters(index = "1", paramLabel = "PATH", arity = "0..1", defaultValue = "/",
      description = "The directory or file to measure (default: /).")
  String path;

  @Override
  public Integer call() throws Exception {
    registries.validate(spec.commandLine());
    PrintWriter out = spec.commandLine().getOut();
    try (ImageFileSystem.Opened img = images.open(image, registries,
        spec.commandLine().getErr())) {
      Path start = img.fs.getPath(path).toAbsolutePath();
      Path real = start.toRealPath();
      Set<Object> seen = new HashSet<>();
      Deque<long[]> sums = new ArrayDeque<>();
      long[] total = {0};
      Files.walkFileTree(real, new SimpleFileVisitor<>() {
        private Path shown(Path p) {
          return start.resolve(real.relativize(p)).normalize();
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          sums.push(new long[1]);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          long size = attrs.isSymbolicLink()
              || (attrs.isRegularFile() && seen.add(attrs.fileKey())) ? attrs.size() : 0;
          add(size);
          if (all && !file.equals(real)) {
            out.println(size + "\t" + LsCommand.quote(shown(file).toString()));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          if (exc != null) {
            throw exc;
          }
          long size = sums.pop()[0];
          add(size);
          if (all && !dir.equals(real)) {
            out.println(size + "\t" + LsCommand.quote(shown(dir).toString()));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
          throw exc;
        }

        private void add(long size) {
          if (sums.isEmpty()) {
            total[0] += size;
          } else {
            sums.peek()[0] += size;
          }
        }
      });
      out.println(total[0] + "\t" + LsCommand.quote(start.normalize().toString()));
    }
    return 0;
  }
}
