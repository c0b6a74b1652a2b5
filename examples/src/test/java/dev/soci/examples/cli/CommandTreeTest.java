package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandTreeTest {

  /** Every command, as {@code "parent child"} paths, in the order the tree lists them. */
  private static List<String> paths(CommandLine cl, String prefix) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      String p = prefix.isEmpty() ? e.getKey() : prefix + " " + e.getKey();
      out.add(p);
      out.addAll(paths(e.getValue(), p));
    }
    return out;
  }

  @Test
  void eachNodeCarriesTheNameItsCommandAnnotationGives() throws Exception {
    List<CommandTree.Node> todo = new ArrayList<>(List.of(CommandTree.ROOT));
    Set<String> seen = new TreeSet<>();
    while (!todo.isEmpty()) {
      CommandTree.Node n = todo.remove(0);
      assertThat(n.type().getAnnotation(CommandLine.Command.class).name())
          .as(n.type().getSimpleName()).isEqualTo(n.name());
      todo.addAll(n.children());
      seen.add(n.type().getName());
    }
    // A command class the tree leaves out would be unreachable from the CLI.
    assertThat(seen).isEqualTo(commandClassesOfThePackage());
  }

  /** Every class of the CLI's package (as compiled) that carries {@code @Command}. */
  private static Set<String> commandClassesOfThePackage() throws Exception {
    Path dir = Path.of(CommandTree.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve(CommandTree.class.getPackageName().replace('.', '/'));
    Set<String> out = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".class") && !name.contains("$")) {
          Class<?> c = Class.forName(CommandTree.class.getPackageName() + "."
              + name.substring(0, name.length() - ".class".length()));
          if (c.isAnnotationPresent(CommandLine.Command.class)) {
            out.add(c.getName());
          }
        }
      }
    }
    assertThat(out).hasSizeGreaterThan(10);
    return out;
  }

  @Test
  void theWholeTreeHasEveryCommand() {
    assertThat(paths(CommandTree.buildWhole(new SociCli()), "")).containsExactly(
        "ztoc", "ztoc create", "ztoc info", "ztoc list", "ztoc get-file", "create", "convert",
        "push", "cat", "ls", "cp", "du", "index", "index list", "index info");
  }

  @Test
  void aNamedPathBuildsOnlyItsCommands() {
    assertThat(paths(CommandTree.build(new SociCli(), new String[] {"ztoc", "create", "x"}), ""))
        .containsExactly("ztoc", "ztoc create");
    assertThat(paths(CommandTree.build(new SociCli(),
        new String[] {"--debug", "index", "--debug", "list", "dir"}), ""))
        .containsExactly("index", "index list");
    assertThat(paths(CommandTree.build(new SociCli(), new String[] {"cat", "a", "b"}), ""))
        .containsExactly("cat");
  }

  @Test
  void aLevelWhoseNextArgumentIsNoSubcommandGetsThemAll() {
    assertThat(paths(CommandTree.build(new SociCli(), new String[] {"ztoc", "--help"}), ""))
        .containsExactly("ztoc", "ztoc create", "ztoc info", "ztoc list", "ztoc get-file");
    assertThat(paths(CommandTree.build(new SociCli(), new String[] {"ztoc"}), ""))
        .containsExactly("ztoc", "ztoc create", "ztoc info", "ztoc list", "ztoc get-file");
    List<String> whole = paths(CommandTree.buildWhole(new SociCli()), "");
    for (String[] args : List.of(new String[] {}, new String[] {"--help"},
        new String[] {"-V", "ztoc"}, new String[] {"ztco", "create"}, new String[] {"@args"},
        new String[] {"--", "ztoc"})) {
      assertThat(paths(CommandTree.build(new SociCli(), args), "")).as(String.join(" ", args))
          .isEqualTo(whole);
    }
  }

  @Test
  void helpAndErrorsReadAsFromTheWholeTree() {
    CommandLine whole = CommandTree.buildWhole(new SociCli());
    assertThat(CliTestSupport.run("--help").out()).isEqualTo(whole.getUsageMessage());
    assertThat(CliTestSupport.run("ztoc", "--help").out())
        .isEqualTo(whole.getSubcommands().get("ztoc").getUsageMessage());
    CliTestSupport.Result typo = CliTestSupport.run("ztoc", "crate");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).startsWith("soci: Unmatched argument at index 1: 'crate'");
  }

  @Test
  void debugIsInheritedAlongTheBuiltPath() {
    for (String[] args : List.of(new String[] {"index", "list", "--debug", "/nonexistent/x"},
        new String[] {"--debug", "index", "list", "/nonexistent/x"})) {
      CliTestSupport.Result r = CliTestSupport.run(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("soci: error: ").contains("\tat ");
    }
  }
}
