package dev.agentrt.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;

/**
 * The released (frozen) versions of the topic contracts, loaded from the classpath.
 *
 * <p>Layout under a root such as {@code agentrt/avro/released}: {@code versions.txt} lists the version
 * directories oldest first; each {@code <version>/index.txt} lists that version's {@code .avsc} files in
 * parse order (a file after every file it references). Lines starting with {@code #} are comments.
 * A decoder registers every version of its record type here, so records written by an older producer
 * still resolve against the current reader schema.
 */
public final class ReleasedSchemas {

  /** Where the build puts {@code src/main/avro/released} on the classpath. */
  public static final String DEFAULT_ROOT = "agentrt/avro/released";

  /** One schema of one released version. */
  public record VersionedSchema(String version, Schema schema, long fingerprint) {

    VersionedSchema(String version, Schema schema) {
      this(version, schema, SchemaNormalization.parsingFingerprint64(schema));
    }
  }

  private static volatile ReleasedSchemas bundled;

  private final String root;
  private final List<String> versions;
  /** Full type name → its schemas, oldest version first. */
  private final Map<String, List<VersionedSchema>> byName;
  /** Parsing fingerprint → the released schema that has it (first version wins). */
  private final Map<Long, VersionedSchema> byFingerprint;

  private ReleasedSchemas(String root, List<String> versions, Map<String, List<VersionedSchema>> byName) {
    this.root = root;
    this.versions = List.copyOf(versions);
    this.byName = byName;
    Map<Long, VersionedSchema> fingerprints = new LinkedHashMap<>();
    byName.values().forEach(list -> list.forEach(v -> fingerprints.putIfAbsent(v.fingerprint(), v)));
    this.byFingerprint = fingerprints;
  }

  /** The schemas bundled with this jar, under {@link #DEFAULT_ROOT}; loaded once. */
  public static ReleasedSchemas bundled() {
    ReleasedSchemas result = bundled;
    if (result == null) {
      synchronized (ReleasedSchemas.class) {
        result = bundled;
        if (result == null) {
          result = fromClasspath(DEFAULT_ROOT, ReleasedSchemas.class.getClassLoader());
          bundled = result;
        }
      }
    }
    return result;
  }

  /**
   * Loads every version under {@code root}.
   *
   * @throws IllegalStateException when a listed file is missing or a schema does not parse
   */
  public static ReleasedSchemas fromClasspath(String root, ClassLoader loader) {
    String base = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    List<String> versions = readList(loader, base + "/versions.txt");
    if (versions.isEmpty()) {
      throw new IllegalStateException("No released schema version listed in " + base + "/versions.txt");
    }
    Map<String, List<VersionedSchema>> byName = new LinkedHashMap<>();
    for (String version : versions) {
      for (Schema schema : parseVersion(loader, base + "/" + version, version)) {
        byName.computeIfAbsent(schema.getFullName(), k -> new ArrayList<>())
            .add(new VersionedSchema(version, schema));
      }
    }
    byName.replaceAll((k, v) -> List.copyOf(v));
    return new ReleasedSchemas(base, versions, Collections.unmodifiableMap(byName));
  }

  private static List<Schema> parseVersion(ClassLoader loader, String dir, String version) {
    // One parser per version: the named types of a version reference each other, never another version.
    Schema.Parser parser = new Schema.Parser();
    List<Schema> parsed = new ArrayList<>();
    for (String file : readList(loader, dir + "/index.txt")) {
      String path = dir + "/" + file;
      try (InputStream in = open(loader, path)) {
        parsed.add(parser.parse(in));
      } catch (IOException | SchemaParseException e) {
        throw new IllegalStateException(
            "Cannot parse released schema " + path + " (version " + version + "): " + e.getMessage(), e);
      }
    }
    // The parser also knows the types defined inline inside those files.
    List<Schema> all = new ArrayList<>(parser.getTypes().values());
    all.removeIf(s -> s.getType() != Schema.Type.RECORD && s.getType() != Schema.Type.ENUM
        && s.getType() != Schema.Type.FIXED);
    return all;
  }

  private static List<String> readList(ClassLoader loader, String path) {
    try (InputStream in = open(loader, path);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  private static InputStream open(ClassLoader loader, String path) throws IOException {
    InputStream in = loader.getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException("Released schema resource not found on the classpath: " + path);
    }
    return in;
  }

  /** The classpath root these schemas came from. */
  public String root() {
    return root;
  }

  /** Version names, oldest first. */
  public List<String> versions() {
    return versions;
  }

  /** Full names of every released named type (records and enums). */
  public List<String> typeNames() {
    return List.copyOf(byName.keySet());
  }

  /** Every released schema of the named type, oldest version first; empty when never released. */
  public List<VersionedSchema> versionsOf(String fullName) {
    return byName.getOrDefault(fullName, List.of());
  }

  /** The released schema with this parsing fingerprint, whatever its type. */
  public Optional<VersionedSchema> byFingerprint(long fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }
}
