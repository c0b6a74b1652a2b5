package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./soci} launcher's start-up archive, driven in a copy of the launcher next to a
 * runnable jar of this build (the shaded jar is made only after the tests): built on first use,
 * used after, rebuilt when damaged or when the jar changes, never in the way of the command.
 */
class LauncherTest {
  private static final String PREPARING = "soci: preparing a start-up archive";

  @TempDir static Path shared;
  private static Path jar;
  private static Path layer;
  private static String digestLine;

  @BeforeAll
  static void runnableJar() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
    assumeTrue(new ProcessBuilder("stat", "-L", "-c", "%s", "/").start().waitFor() == 0,
        "needs GNU stat");
    jar = shared.resolve("soci.jar");
    writeRunnableJar(jar);
    layer = CliTestSupport.testdata().resolve("vectors/layers/tiny.tar.gz");
    CliTestSupport.Result r = CliTestSupport.run("ztoc", "create", "-o",
        shared.resolve("expected.ztoc").toString(), layer.toString());
    assertThat(r.exit()).isZero();
    digestLine = r.out();
  }

  /**
   * The classes and resources of the CLI and of what it depends on, from the test class path,
   * in one jar whose main class is the CLI's (class-data archives take jars, not directories).
   */
  private static void writeRunnableJar(Path target) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, SociCli.class.getName());
    Set<String> seen = new HashSet<>();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), m)) {
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path p = Path.of(entry);
        String name = p.getFileName().toString();
        if (Files.isDirectory(p) && !name.equals("test-classes")) {
          try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
              String n = p.relativize(f).toString().replace(File.separatorChar, '/');
              if (seen.add(n)) {
                out.putNextEntry(new JarEntry(n));
                Files.copy(f, out);
              }
            }
          }
        } else if (name.endsWith(".jar") && !name.contains("-tests")
            && Stream.of("picocli", "flatbuffers", "jackson", "soci-").anyMatch(name::startsWith)) {
          try (JarFile j = new JarFile(p.toFile())) {
            for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
              JarEntry je = e.nextElement();
              String n = je.getName();
              if (!je.isDirectory() && !n.startsWith("META-INF/") && seen.add(n)) {
                out.putNextEntry(new JarEntry(n));
                try (InputStream in = j.getInputStream(je)) {
                  in.transferTo(out);
                }
              }
            }
          }
        }
      }
    }
  }

  /** A repository copy holding only the launcher and the jar. */
  private static Path newRoot(Path dir) throws IOException {
    Path root = dir.resolve("repo");
    Files.createDirectories(root.resolve("examples/target"));
    Path launcher = root.resolve("soci");
    Files.copy(CliTestSupport.testdata().resolveSibling("soci"), launcher);
    assertThat(launcher.toFile().setExecutable(true)).isTrue();
    Files.copy(jar, root.resolve("examples/target/soci.jar"));
    return root;
  }

  private record Run(int exit, String out, String err) {}

  private static ProcessBuilder launcher(Path root, Path output, String... extraEnv) {
    List<String> cmd = new ArrayList<>(List.of("/bin/bash", root.resolve("soci").toString(),
        "ztoc", "create", "-o", output.toString(), layer.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.remove("SOCI_JAVA_OPTS");
    env.remove("SOCI_STARTUP_ARCHIVE");
    env.remove("JAVA_TOOL_OPTIONS");
    env.put("SOCI_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (int i = 0; i < extraEnv.length; i += 2) {
      env.put(extraEnv[i], extraEnv[i + 1]);
    }
    return pb;
  }

  private static Run run(Path root, String... extraEnv) throws Exception {
    Path dir = Files.createTempDirectory(shared, "run");
    Path output = dir.resolve("out.ztoc");
    Process p = launcher(root, output, extraEnv)
        .redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    Run r = new Run(p.exitValue(), Files.readString(dir.resolve("stdout")),
        Files.readString(dir.resolve("stderr")));
    if (r.exit() == 0) {
      assertThat(Files.readAllBytes(output)).isEqualTo(Files.readAllBytes(shared.resolve("expected.ztoc")));
    }
    return r;
  }

  private static Path startupDir(Path root) {
    return root.resolve("examples/target/startup");
  }

  /** The archive the launcher keeps (one per JDK), or null when there is none. */
  private static Path archive(Path root) throws IOException {
    if (!Files.isDirectory(startupDir(root))) {
      return null;
    }
    try (Stream<Path> s = Files.list(startupDir(root))) {
      List<Path> found = s.filter(p -> p.toString().endsWith(".jsa") || p.toString().endsWith(".aot"))
          .toList();
      assertThat(found).hasSizeLessThanOrEqualTo(1);
      return found.isEmpty() ? null : found.get(0);
    }
  }

  private static List<String> listing(Path root) throws IOException {
    try (Stream<Path> s = Files.list(startupDir(root))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Whether a run with the archive loads the CLI's own classes from it. */
  private static boolean loadsFromArchive(Path root) throws Exception {
    Path log = Files.createTempFile(shared, "classes", ".log");
    Run r = run(root, "SOCI_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    return Files.readAllLines(log).stream().anyMatch(l ->
        l.contains(" " + SociCli.class.getName() + " source: shared objects file"));
  }

  @Test
  void builtOnFirstUseUsedAfterAndRebuiltWhenDamagedOrStale(@TempDir Path dir) throws Exception {
    Path root = newRoot(dir);

    Run first = run(root);
    assertThat(first.exit()).isZero();
    assertThat(first.out()).isEqualTo(digestLine);
    assertThat(first.err()).startsWith(PREPARING).hasLineCount(1);
    Path archive = archive(root);
    assertThat(archive).isNotNull();
    assertThat(listing(root)).containsExactly(archive.getFileName().toString(),
        archive.getFileName() + ".stamp"); // no training leftovers

    assertThat(loadsFromArchive(root)).as("second run maps the archive").isTrue();

    // Damage in place, size kept: mapped as it is, such an archive could crash the JVM.
    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));
    try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
      f.seek(f.length() / 2);
      f.write(new byte[8192]);
    }
    Run damaged = run(root);
    assertThat(damaged.exit()).isZero();
    assertThat(damaged.out()).isEqualTo(digestLine);
    assertThat(damaged.err()).startsWith(PREPARING);
    assertThat(loadsFromArchive(root)).as("the rebuilt archive is used").isTrue();

    // A rebuilt jar (here: touched) makes the archive stale.
    Path jarCopy = root.resolve("examples/target/soci.jar");
    Files.setLastModifiedTime(jarCopy,
        FileTime.fromMillis(Files.getLastModifiedTime(jarCopy).toMillis() + 5_000));
    Run stale = run(root);
    assertThat(stale.exit()).isZero();
    assertThat(stale.err()).startsWith(PREPARING);
    assertThat(loadsFromArchive(root)).isTrue();
  }

  @Test
  void concurrentFirstRunsAllSucceedAndLeaveOneGoodArchive(@TempDir Path dir) throws Exception {
    Path root = newRoot(dir);
    List<Process> runs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      runs.add(launcher(root, dir.resolve("out" + i + ".ztoc"))
          .redirectOutput(dir.resolve("stdout" + i).toFile())
          .redirectError(dir.resolve("stderr" + i).toFile()).start());
    }
    for (int i = 0; i < runs.size(); i++) {
      assertThat(runs.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(runs.get(i).exitValue()).as(Files.readString(dir.resolve("stderr" + i))).isZero();
      assertThat(Files.readString(dir.resolve("stdout" + i))).isEqualTo(digestLine);
    }
    Path archive = archive(root);
    assertThat(archive).isNotNull();
    assertThat(listing(root)).containsExactly(archive.getFileName().toString(),
        archive.getFileName() + ".stamp");
    assertThat(loadsFromArchive(root)).isTrue();
  }

  @Test
  void aDirectoryThatCannotBeWrittenOnlyCostsTheArchive(@TempDir Path dir) throws Exception {
    Path root = newRoot(dir);
    Files.writeString(startupDir(root), "in the way"); // mkdir -p cannot make it a directory
    Run r = run(root);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(digestLine);
    assertThat(r.err()).isEmpty();
    assertThat(Files.readString(startupDir(root))).isEqualTo("in the way");
  }

  @Test
  void aFailedTrainingIsReportedOnceAndTheCommandStillRuns(@TempDir Path dir) throws Exception {
    // A JDK whose java fails the training run (and nothing else).
    Path home = Path.of(System.getProperty("java.home"));
    Path fake = dir.resolve("jdk");
    Files.createDirectories(fake.resolve("bin"));
    Files.copy(home.resolve("release"), fake.resolve("release"));
    Path java = fake.resolve("bin/java");
    Files.writeString(java, "#!/bin/bash\ncase \" $* \" in *Training*) exit 3 ;; esac\nexec '"
        + home.resolve("bin/java") + "' \"$@\"\n", StandardCharsets.UTF_8);
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Path root = newRoot(dir);

    Run first = run(root, "SOCI_JAVA", java.toString());
    assertThat(first.exit()).isZero();
    assertThat(first.out()).isEqualTo(digestLine);
    assertThat(first.err()).startsWith(PREPARING).contains("could not prepare it");
    Run second = run(root, "SOCI_JAVA", java.toString());
    assertThat(second.exit()).isZero();
    assertThat(second.err()).isEmpty();
    assertThat(archive(root)).isNull();
  }

  @Test
  void anInstalledJdk24OrLaterIsPreferredToAnOlderJavaOnThePath(@TempDir Path dir)
      throws Exception {
    Path home = Path.of(System.getProperty("java.home"));
    assumeTrue(Files.readString(home.resolve("release")).contains("JAVA_VERSION=\"17"),
        "the test JVM is the older JDK here");
    // A "JDK 99" in JAVA_HOME whose java notes that it ran, then runs the real one.
    Path fake = dir.resolve("jdk99");
    Files.createDirectories(fake.resolve("bin"));
    Files.writeString(fake.resolve("release"), "JAVA_VERSION=\"99.0.1\"\n");
    Path ran = dir.resolve("ran");
    Path java = fake.resolve("bin/java");
    Files.writeString(java, "#!/bin/bash\necho \"$@\" >> '" + ran + "'\nexec '"
        + home.resolve("bin/java") + "' \"$@\"\n", StandardCharsets.UTF_8);
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Path root = newRoot(dir);
    String path = home.resolve("bin") + File.pathSeparator + System.getenv("PATH");

    ProcessBuilder pb = launcher(root, dir.resolve("a.ztoc"), "SOCI_STARTUP_ARCHIVE", "0",
        "JAVA_HOME", fake.toString(), "PATH", path);
    pb.environment().remove("SOCI_JAVA");
    Process p = pb.redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("out"))).isZero();
    assertThat(Files.readString(ran)).contains("-jar " + root.resolve("examples/target/soci.jar"));

    // SOCI_JAVA still decides.
    Files.delete(ran);
    Run chosen = run(root, "SOCI_STARTUP_ARCHIVE", "0", "JAVA_HOME", fake.toString(),
        "PATH", path);
    assertThat(chosen.exit()).isZero();
    assertThat(ran).doesNotExist();
  }

  @Test
  void turnedOffItIsNeitherBuiltNorUsed(@TempDir Path dir) throws Exception {
    Path root = newRoot(dir);
    Run r = run(root, "SOCI_STARTUP_ARCHIVE", "0");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(startupDir(root)).doesNotExist();
  }
}
