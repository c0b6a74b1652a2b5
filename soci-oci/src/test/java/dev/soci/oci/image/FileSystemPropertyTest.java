package dev.soci.oci.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.Descriptor;
import dev.soci.oci.fs.SociFileSystem;
import dev.soci.oci.fs.SociFileSystems;
import dev.soci.oci.image.MergePropertyTest.Kind;
import dev.soci.oci.image.MergePropertyTest.MNode;
import dev.soci.oci.image.MergePropertyTest.Model;
import dev.soci.oci.image.MergePropertyTest.Op;
import dev.soci.oci.store.InMemoryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link MergePropertyTest}'s random layer stacks and reference model, read through the {@code
 * java.nio} file system instead: {@code Files.walk}, types and modes ({@code unix:mode}), file
 * bytes ({@code readAllBytes}), link targets ({@code readSymbolicLink}), hard-link groups (file
 * keys) and resolution ({@code toRealPath}, errors as the JDK's types) all as the model says.
 */
class FileSystemPropertyTest {
  private static final int STACKS = 100;

  /** The model's error names as the file system's exception types. */
  private static String nio(String modelResult) {
    return switch (modelResult) {
      case "PathNotFoundException" -> NoSuchFileException.class.getSimpleName();
      case "TooManySymlinksException" -> FileSystemLoopException.class.getSimpleName();
      case "NotADirectoryException" -> FileSystemException.class.getSimpleName();
      default -> modelResult;
    };
  }

  @Test
  void randomStacksThroughTheFileSystemAsTheModelSays() throws Exception {
    Random r = new Random(11_2026L);
    int checked = 0;
    for (int stack = 0; stack < STACKS; stack++) {
      Model model = new Model();
      List<byte[]> layers = new ArrayList<>();
      List<List<Op>> opsPerLayer = new ArrayList<>();
      for (int l = 0, count = 1 + r.nextInt(4); l < count; l++) {
        List<Op> ops = MergePropertyTest.randomLayer(r, model, l);
        Model trial = model.copy();
        while (!trial.apply(ops)) {
          ops.removeIf(op -> op instanceof MergePropertyTest.HardLink);
          trial = model.copy();
        }
        model = trial;
        opsPerLayer.add(ops);
        layers.add(MergePropertyTest.tar(ops));
      }
      InMemoryStore store = new InMemoryStore("mem");
      Descriptor m = TestImages.image(store, "t", layers);
      if (r.nextBoolean()) {
        TestImages.indexAll(store, m);
      }
      String what = "stack " + stack + " " + opsPerLayer;
      try (SociFileSystem fs = SociFileSystems.open(store, m, null)) {
        Path root = fs.getPath("/");
        List<String> walked;
        try (Stream<Path> s = Files.walk(root)) {
          walked = s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString())
              .toList();
        }
        assertThat(walked).as(what).containsExactlyInAnyOrderElementsOf(model.paths.keySet());
        Map<Object, Integer> keys = new HashMap<>();
        Map<Integer, Object> back = new HashMap<>();
        for (Map.Entry<String, MNode> e : model.paths.entrySet()) {
          Path p = root.resolve(e.getKey());
          MNode want = e.getValue();
          String at = what + " at " + p;
          int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
          int type = switch (want.kind()) {
            case FILE -> 0100000;
            case DIR -> 0040000;
            case SYMLINK -> 0120000;
          };
          assertThat(mode).as(at).isEqualTo(type | want.mode());
          if (want.kind() == Kind.FILE) {
            assertThat(new String(Files.readAllBytes(p), StandardCharsets.UTF_8)).as(at)
                .isEqualTo(want.data());
          }
          if (want.kind() == Kind.SYMLINK) {
            assertThat(Files.readSymbolicLink(p).toString()).as(at).isEqualTo(want.target());
          }
          Object key = Files.readAttributes(p, BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS).fileKey();
          assertThat(keys.computeIfAbsent(key, k -> want.key())).as(at).isEqualTo(want.key());
          assertThat(back.computeIfAbsent(want.key(), k -> key)).as(at).isEqualTo(key);
          checked++;
        }
        for (int q = 0; q < 12; q++) {
          String s = (r.nextBoolean() ? "/" : "") + MergePropertyTest.randomPath(r)
              + (r.nextInt(4) == 0 ? "/../" + "abcd".charAt(r.nextInt(4)) : "");
          boolean follow = r.nextBoolean();
          String expected = nio(model.resolve(s, follow));
          String actual;
          try {
            actual = follow ? fs.getPath(s).toRealPath().toString()
                : "/" + fs.entry(fs.getPath(s), LinkOption.NOFOLLOW_LINKS).path();
          } catch (FileSystemLoopException e) {
            actual = FileSystemLoopException.class.getSimpleName(); // a subclass with a reason
          } catch (IOException e) {
            actual = e.getClass().getSimpleName();
          }
          assertThat(actual).as(what + " resolving " + s + (follow ? "" : " (nofollow)"))
              .isEqualTo(expected);
        }
      }
    }
    assertThat(checked).isGreaterThan(STACKS);
  }
}
