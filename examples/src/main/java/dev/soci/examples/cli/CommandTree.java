package dev.soci.examples.cli;

import java.util.List;
import picocli.CommandLine;

/**
 * The CLI's command hierarchy, and the picocli tree built from it for one invocation.
 *
 * <p>Picocli reflects over every command class it is handed (fields, annotations, mixins,
 * converters, one interpreter per command), and a tree declared with {@code @Command(subcommands
 * = ...)} is built whole: twenty commands before the first argument is looked at, which was
 * most of the CLI's fixed start-up cost. So the hierarchy lives here instead, and {@link
 * #build} constructs only the commands the arguments name ({@code soci ztoc create} needs three).
 * Wherever the arguments do not name a subcommand exactly (help, version, a typo, an argument
 * file, a missing subcommand) that level gets all its subcommands, built whole, so help listings,
 * suggestions and errors are the ones the whole tree gives.
 */
final class CommandTree {
  /** One command: its name (as in its {@code @Command}), class and subcommands. */
  record Node(String name, Class<?> type, List<Node> children) {
    Node(String name, Class<?> type, Node... children) {
      this(name, type, List.of(children));
    }

    Node child(String token) {
      for (Node c : children) {
        if (c.name.equals(token)) {
          return c;
        }
      }
      return null;
    }
  }

  /** The root's subcommands, in the order help lists them. */
  static final Node ROOT = new Node("soci", SociCli.class,
      new Node("ztoc", ZtocCommand.class,
          new Node("create", ZtocCreateCommand.class),
          new Node("info", ZtocInfoCommand.class),
          new Node("list", ZtocListCommand.class),
          new Node("get-file", ZtocGetFileCommand.class)),
      new Node("create", CreateCommand.class),
      new Node("convert", ConvertCommand.class),
      new Node("push", PushCommand.class),
      new Node("cat", CatCommand.class),
      new Node("ls", LsCommand.class),
      new Node("cp", CpCommand.class),
      new Node("du", DuCommand.class),
      new Node("index", IndexCommand.class,
          new Node("list", IndexListCommand.class),
          new Node("info", IndexInfoCommand.class)));

  /**
   * The only option a level with subcommands takes that may come before the subcommand's name
   * and leave the choice of subcommand alone (it is inherited by all of them).
   */
  private static final String DEBUG = "--debug";

  private CommandTree() {}

  /**
   * The tree for {@code args} under {@code root}: along the path of subcommand names the
   * arguments spell out, each level holds only the command named; the first level whose next
   * argument is anything else holds all its subcommands, each built whole.
   */
  static CommandLine build(Object root, String[] args) {
    CommandLine cl = new CommandLine(root);
    addPath(cl, ROOT, args, 0);
    return cl;
  }

  /** The whole tree (for tests: what {@link #build} must agree with). */
  static CommandLine buildWhole(Object root) {
    CommandLine cl = new CommandLine(root);
    addAll(cl, ROOT);
    return cl;
  }

  private static void addPath(CommandLine cl, Node node, String[] args, int from) {
    if (node.children.isEmpty()) {
      return;
    }
    int i = from;
    while (i < args.length && args[i].equals(DEBUG)) {
      i++;
    }
    Node next = i < args.length ? node.child(args[i]) : null;
    if (next == null) {
      addAll(cl, node);
      return;
    }
    CommandLine sub = newCommand(next);
    addPath(sub, next, args, i + 1);
    cl.addSubcommand(next.name, sub);
  }

  private static void addAll(CommandLine cl, Node node) {
    for (Node c : node.children) {
      CommandLine sub = newCommand(c);
      addAll(sub, c);
      cl.addSubcommand(c.name, sub);
    }
  }

  private static CommandLine newCommand(Node node) {
    try {
      return new CommandLine(node.type.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create command " + node.name, e);
    }
  }
}
