package dev.soci.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of a library module as stable, sorted text, and the check that keeps it equal
 * to the committed {@code <module dir>/api/<module>.txt} (after okio's {@code .api} files): any
 * API change then shows in review as a change of that file.
 *
 * <p>The API is what the compiled {@code module-info.class} exports to everyone (packages
 * exported only {@code to} sibling modules are plumbing and left out): every public or protected
 * type of those packages, nested ones included, with its declared public and protected
 * constructors, methods and fields, each on one line in {@link Class#toGenericString()} form.
 * Types are sorted by name and members by their line, so the text depends on nothing but the
 * API. Run from a module's tests on the class path, with the working directory at the module.
 */
public final class ApiSignature {
  /** The system property that makes {@link #check} rewrite the committed file instead. */
  public static final String UPDATE_PROPERTY = "soci.api.update";

  private ApiSignature() {}

  /**
   * Compares the API of the module compiled into {@code target/classes} with {@code
   * api/<artifact>.txt}; with {@code -Dsoci.api.update=true} it writes the file instead.
   *
   * @param artifact the module's directory and artifact name, e.g. {@code soci-core}
   * @throws AssertionError listing the lines removed and added when the two differ
   */
  public static void check(String artifact) {
    Path committed = Path.of("api", artifact + ".txt");
    String actual = describe(Path.of("target", "classes"));
    List<String> leaks = leaks(Path.of("target", "classes"), actual);
    if (!leaks.isEmpty()) {
      throw new AssertionError("The public API of " + artifact + " names types of packages it does not export"
          + " to everyone (plumbing a user cannot reach):\n  " + String.join("\n  ", leaks));
    }
    try {
      if (Boolean.getBoolean(UPDATE_PROPERTY)) {
        Files.createDirectories(committed.getParent());
        Files.writeString(committed, actual, StandardCharsets.UTF_8);
        return;
      }
      String expected = Files.exists(committed) ? Files.readString(committed, StandardCharsets.UTF_8) : "";
      if (!expected.equals(actual)) {
        throw new AssertionError("The public API of " + artifact + " differs from " + committed.toAbsolutePath()
            + " (- only in the file, + only in the code). If the change is meant, regenerate the file with"
            + " `mvn -o -pl " + artifact + " -am verify -Dtest='ApiCheckTest' -Dsurefire.failIfNoSpecifiedTests=false"
            + " -D" + UPDATE_PROPERTY + "=true` and commit it.\n" + diff(expected, actual));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API text of the module whose classes (and {@code module-info.class}) are in {@code classes}. */
  public static String describe(Path classes) {
    ModuleDescriptor module = descriptor(classes);
    Set<String> packages = module.exports().stream()
        .filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
    StringBuilder out = new StringBuilder();
    out.append("module ").append(module.name()).append('\n');
    for (String p : packages) {
      out.append("exports ").append(p).append('\n');
    }
    List<Class<?>> types = new ArrayList<>();
    for (String p : packages) {
      for (String name : topLevelClasses(classes, p)) {
        collect(load(name), types);
      }
    }
    types.sort((a, b) -> a.getName().compareTo(b.getName()));
    for (Class<?> t : types) {
      out.append('\n').append(typeLine(t)).append('\n');
      for (String m : members(t)) {
        out.append("  ").append(m).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * The API lines that name a type of a package of the module that is not exported to everyone,
   * or of any {@code *.internal} package (a sibling module's plumbing).
   */
  static List<String> leaks(Path classes, String api) {
    ModuleDescriptor module = descriptor(classes);
    Set<String> hidden = new TreeSet<>(module.packages());
    module.exports().stream().filter(e -> !e.isQualified()).forEach(e -> hidden.remove(e.source()));
    List<String> out = new ArrayList<>();
    for (String line : api.lines().toList()) {
      if (line.contains(".internal.")) {
        out.add(line.strip());
        continue;
      }
      for (String p : hidden) {
        if (line.matches(".*[^\\w.]" + java.util.regex.Pattern.quote(p) + "\\.[A-Z].*")) {
          out.add(line.strip());
          break;
        }
      }
    }
    return out;
  }

  private static ModuleDescriptor descriptor(Path classes) {
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      return ModuleDescriptor.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> topLevelClasses(Path classes, String pkg) {
    Path dir = classes.resolve(pkg.replace('.', '/'));
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".class") && !f.contains("$") && !f.equals("package-info.class"))
          .map(f -> pkg + "." + f.substring(0, f.length() - ".class".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, ApiSignature.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("compiled class " + name + " is not on the test class path", e);
    }
  }

  /** Adds {@code t} and its nested types, as far as they are visible outside the package. */
  private static void collect(Class<?> t, List<Class<?>> into) {
    if (!visible(t.getModifiers()) || t.isSynthetic() || t.isAnonymousClass() || t.isLocalClass()) {
      return;
    }
    into.add(t);
    for (Class<?> nested : t.getDeclaredClasses()) {
      collect(nested, into);
    }
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static String typeLine(Class<?> t) {
    StringBuilder b = new StringBuilder(t.toGenericString());
    Type sup = t.getGenericSuperclass();
    if (sup != null && sup != Object.class && !t.isEnum() && !t.isRecord()) {
      b.append(" extends ").append(sup.getTypeName());
    }
    Type[] interfaces = t.getGenericInterfaces();
    if (interfaces.length > 0) {
      b.append(t.isInterface() ? " extends " : " implements ");
      b.append(Arrays.stream(interfaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
    }
    if (t.isSealed()) {
      b.append(" permits ").append(Arrays.stream(t.getPermittedSubclasses()).map(Class::getName).sorted()
          .collect(Collectors.joining(", ")));
    }
    return b.toString();
  }

  private static Set<String> members(Class<?> t) {
    Set<String> lines = new TreeSet<>();
    for (Field f : t.getDeclaredFields()) {
      if (shown(f) && !f.isEnumConstant()) {
        lines.add("field " + f.toGenericString());
      } else if (f.isEnumConstant()) {
        lines.add("constant " + f.getName());
      }
    }
    for (Constructor<?> c : t.getDeclaredConstructors()) {
      if (shown(c)) {
        lines.add("constructor " + c.toGenericString());
      }
    }
    for (Method m : t.getDeclaredMethods()) {
      if (shown(m) && !m.isBridge()) {
        lines.add("method " + m.toGenericString());
      }
    }
    return lines;
  }

  private static boolean shown(Member m) {
    return visible(m.getModifiers()) && !m.isSynthetic();
  }

  /**
   * The lines only in {@code expected} ({@code -}) and only in {@code actual} ({@code +}), each
   * member line prefixed by its type, so that a member moved between types shows as such.
   */
  static String diff(String expected, String actual) {
    List<String> e = qualified(expected);
    List<String> a = qualified(actual);
    Set<String> inE = Set.copyOf(e);
    Set<String> inA = Set.copyOf(a);
    StringBuilder b = new StringBuilder();
    e.stream().filter(l -> !inA.contains(l)).forEach(l -> b.append("- ").append(l).append('\n'));
    a.stream().filter(l -> !inE.contains(l)).forEach(l -> b.append("+ ").append(l).append('\n'));
    return b.toString();
  }

  private static List<String> qualified(String text) {
    List<String> out = new ArrayList<>();
    String type = "";
    for (String line : text.lines().toList()) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("  ")) {
        out.add(type + " :: " + line.strip());
      } else {
        type = line;
        out.add(line);
      }
    }
    return out;
  }
}
