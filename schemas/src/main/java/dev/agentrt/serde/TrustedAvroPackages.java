package dev.agentrt.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Marks the generated contract package as trusted by Avro's {@link ClassSecurityValidator}.
 *
 * <p>Since the CVE-2024-47561 hardening, Avro refuses to instantiate any class outside a short allow
 * list while decoding, generated SpecificRecords included ("Forbidden dev.agentrt.avro.ToolCall! This
 * class is not trusted..."). Installing the trust here, from the serdes, means users need no
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} flag. Only {@code dev.agentrt.avro} is added; the
 * validator that was global before keeps deciding about every other class.
 */
public final class TrustedAvroPackages {

  /** Package of the classes generated from {@code src/main/avro/current}. */
  public static final String GENERATED_PACKAGE = "dev.agentrt.avro";

  /** Trusts exactly the classes of {@link #GENERATED_PACKAGE} (nested classes included), nothing else. */
  public static final ClassSecurityPredicate GENERATED_CLASSES =
      type -> type.getName().startsWith(GENERATED_PACKAGE + ".")
          && type.getName().indexOf('.', GENERATED_PACKAGE.length() + 1) < 0;

  private static boolean installed;

  private TrustedAvroPackages() {}

  /** Adds {@link #GENERATED_CLASSES} to the global validator once per class loader; later calls do nothing. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), GENERATED_CLASSES));
    installed = true;
  }
}
