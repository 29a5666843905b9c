package dev.agentrt.engine;

import dev.agentrt.engine.cuda.CudaEngine;
import dev.agentrt.engine.cuda.CudaUnavailableException;
import dev.agentrt.engine.cuda.GpuException;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.ModelWeights;
import java.util.function.Supplier;

/**
 * Which engine runs a model: {@code cpu}, {@code cuda} (fails with one clear {@link CudaUnavailableException} when no
 * usable GPU is there), or {@code auto} (CUDA when it can run, else the CPU engine with a warning saying why).
 */
public final class Engines {
    /** The {@code --engine} values. */
    public enum Kind { cpu, cuda, auto }

    /** The engine that was opened, a one-line description, and the reason it fell back to the CPU (or null). */
    public record Selection(Engine engine, String description, String fallbackWarning) {
    }

    private Engines() {
    }

    /**
     * Opens the engine of {@code kind} for {@code weights}; {@code cpu} makes the CPU engine (also the fallback of
     * {@code auto}).
     */
    public static Selection open(Kind kind, ModelWeights weights, CudaEngine.Options cuda, Supplier<Engine> cpu) {
        return switch (kind) {
            case cpu -> new Selection(cpu.get(), "cpu", null);
            case cuda -> {
                CudaEngine e = CudaEngine.open(weights, cuda);
                yield new Selection(e, e.describe(), null);
            }
            case auto -> {
                try {
                    CudaEngine e = CudaEngine.open(weights, cuda);
                    yield new Selection(e, e.describe(), null);
                } catch (CudaUnavailableException | GpuException e) {
                    yield new Selection(cpu.get(), "cpu", "the CUDA engine cannot run here (" + e.getMessage()
                            + "); using the CPU engine");
                }
            }
        };
    }

    /** The model's usable context: the YaRN range {@code initial_context_length × factor}. */
    public static int maxContext(GptOssConfig c) {
        return (int) Math.min(Integer.MAX_VALUE / 2, (long) c.initialContextLength() * (long) c.ropeScalingFactor());
    }
}
