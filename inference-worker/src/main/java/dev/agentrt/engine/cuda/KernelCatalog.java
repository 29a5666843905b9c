package dev.agentrt.engine.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every kernel family and its entry points, as the wrappers use them; and what the jar actually contains. */
public final class KernelCatalog {
    /** family ({@code src/main/cuda/<family>.cu}) → entry points. */
    public static final Map<String, List<String>> EXPECTED = expected();

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_][A-Za-z0-9_]*)");

    private KernelCatalog() {
    }

    private static Map<String, List<String>> expected() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(EmbeddingKernels.FAMILY, List.of("embed_rmsnorm"));
        m.put(RmsNormKernels.FAMILY, List.of("rmsnorm"));
        m.put(Bf16MatmulKernels.FAMILY, List.of("bf16_matmul_t1", "bf16_matmul_t2", "bf16_matmul_t4", "bf16_matmul_t8",
                "bf16_matmul_tc"));
        m.put(RopeKernels.FAMILY, List.of("rope_kv_f32", "rope_kv_bf16"));
        m.put(AttentionKernels.FAMILY, List.of("attention_d16_f32", "attention_d16_bf16", "attention_d32_f32",
                "attention_d32_bf16", "attention_d64_f32", "attention_d64_bf16", "attention_d128_f32", "attention_d128_bf16"));
        m.put(RouterKernels.FAMILY, List.of("moe_router"));
        m.put(MoeKernels.FAMILY, List.of("moe_mlp1_swiglu_t1", "moe_mlp1_swiglu_t4", "moe_mlp1_swiglu_t8", "moe_mlp2_t1",
                "moe_mlp2_t4", "moe_mlp2_t8", "moe_mlp1_swiglu_tc", "moe_mlp2_tc"));
        m.put(CombineKernels.FAMILY, List.of("moe_combine"));
        m.put(SamplingKernels.FAMILY, List.of("sample_tokens"));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Whether the jar has the built kernels ({@code /cuda/kernels.list}). */
    public static boolean built() {
        return KernelCatalog.class.getResource("/cuda/kernels.list") != null;
    }

    /** The {@code .entry} names in the jar's PTX of {@code family} (empty when it is missing). */
    public static TreeSet<String> ptxEntries(String family) {
        TreeSet<String> names = new TreeSet<>();
        try (InputStream in = KernelCatalog.class.getResourceAsStream("/cuda/" + family + ".ptx")) {
            if (in != null) {
                Matcher m = ENTRY.matcher(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the PTX of " + family, e);
        }
        return names;
    }
}
