package dev.agentrt.engine.cuda;

import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.CudaException;
import jcuda.driver.CUmodule;

/**
 * Loads the kernel families the build put in the jar under {@code /cuda/} (see {@code src/main/cuda/build-ptx.sh}):
 * for each family the best image the driver accepts, in this order:
 * <ol>
 *   <li>{@code <family>.fatbin}: SASS for sm_80 and sm_90 plus PTX; the driver picks the GPU's code or JIT-compiles
 *       the PTX;</li>
 *   <li>{@code <family>.ptx}, JIT-compiled by the driver;</li>
 *   <li>the same PTX with its {@code .version} lowered to what an older driver understands (nvcc 13 writes PTX ISA
 *       9.x, which drivers before CUDA 13 refuse although these kernels use nothing newer than ISA 8.0).</li>
 * </ol>
 * When none loads, one message names the GPU, the driver's CUDA version, every attempt's error and what to do.
 */
final class KernelModules implements AutoCloseable {
    private static final Pattern PTX_VERSION = Pattern.compile("(?m)^\\.version (\\d+)\\.(\\d+)");

    private final Supplier<String> device;
    private final int driverVersion;
    private final Map<String, CUmodule> loaded = new HashMap<>();

    KernelModules(Supplier<String> device, int driverVersion) {
        this.device = device;
        this.driverVersion = driverVersion;
    }

    CUmodule module(String family) {
        CUmodule m = loaded.get(family);
        if (m == null) {
            m = load(family);
            loaded.put(family, m);
        }
        return m;
    }

    private CUmodule load(String family) {
        byte[] fatbin = resource(family + ".fatbin");
        byte[] ptx = resource(family + ".ptx");
        if (fatbin == null && ptx == null) {
            throw new CudaUnavailableException("this agentrt build has no CUDA kernels (no /cuda/" + family
                    + ".fatbin in the jar: it was built without nvcc or with -Dcuda.skip=true); rebuild it on a machine "
                    + "with the CUDA toolkit (nvcc) to use the CUDA engine");
        }
        List<String> attempts = new ArrayList<>();
        if (fatbin != null) {
            CUmodule m = tryLoad(fatbin, "fatbin (SASS sm_80/sm_90 + PTX)", attempts);
            if (m != null) {
                return m;
            }
        }
        if (ptx != null) {
            String text = new String(ptx, StandardCharsets.US_ASCII);
            CUmodule m = tryLoad(nulTerminated(text), "PTX " + ptxVersion(text), attempts);
            if (m != null) {
                return m;
            }
            String lowered = lowerPtxVersion(text, driverVersion);
            if (lowered != null) {
                m = tryLoad(nulTerminated(lowered), "PTX " + ptxVersion(lowered) + " (lowered for this driver)", attempts);
                if (m != null) {
                    return m;
                }
            }
        }
        throw new CudaUnavailableException("the NVIDIA driver could not load the CUDA kernels (" + family + ") on "
                + device.get() + ": " + String.join("; ", attempts) + ". The kernels are built with nvcc 13 (PTX ISA 9.0) "
                + "for sm_80/sm_90: update the NVIDIA driver to R580 (CUDA 13) or newer, or rebuild agentrt with an nvcc "
                + "matching this driver (NVCC=/path/to/nvcc ./mvnw package)");
    }

    private static CUmodule tryLoad(byte[] image, String what, List<String> attempts) {
        CUmodule m = new CUmodule();
        try {
            cuModuleLoadData(m, image);
            return m;
        } catch (CudaException e) {
            attempts.add(what + ": " + e.getMessage());
            return null;
        } catch (Throwable t) {
            attempts.add(what + ": " + CudaProbe.rootMessage(t));
            return null;
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = KernelModules.class.getResourceAsStream("/cuda/" + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new CudaUnavailableException("cannot read /cuda/" + name + " from the jar: " + e.getMessage(), e);
        }
    }

    private static byte[] nulTerminated(String ptx) {
        byte[] b = ptx.getBytes(StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    static String ptxVersion(String ptx) {
        Matcher m = PTX_VERSION.matcher(ptx);
        return m.find() ? "ISA " + m.group(1) + "." + m.group(2) : "ISA unknown";
    }

    /**
     * The PTX with {@code .version} set to the highest ISA a driver of CUDA version {@code driverVersion} (e.g. 12040)
     * accepts, or null when that is not lower than what the PTX declares (or the driver is unknown).
     */
    static String lowerPtxVersion(String ptx, int driverVersion) {
        if (driverVersion <= 0) {
            return null;
        }
        int major = driverVersion / 1000;
        int minor = (driverVersion % 1000) / 10;
        String isa;
        if (major >= 13) {
            return null;
        } else if (major == 12) {
            // CUDA 12.0 -> ISA 8.0, 12.1 -> 8.1, ... 12.4 -> 8.4, 12.5/12.6 -> 8.5, 12.8 -> 8.7, 12.9 -> 8.8
            int[] byMinor = {0, 1, 2, 3, 4, 5, 5, 6, 7, 8};
            isa = "8." + byMinor[Math.min(minor, byMinor.length - 1)];
        } else if (major == 11 && minor >= 8) {
            isa = "7.8";  // the first ISA with sm_90
        } else {
            return null;
        }
        Matcher m = PTX_VERSION.matcher(ptx);
        if (!m.find()) {
            return null;
        }
        double declared = Double.parseDouble(m.group(1) + "." + m.group(2));
        if (Double.parseDouble(isa) >= declared) {
            return null;
        }
        return m.replaceFirst(".version " + isa);
    }

    @Override
    public void close() {
        for (CUmodule m : loaded.values()) {
            try {
                cuModuleUnload(m);
            } catch (CudaException ignored) {
                // unloading at shutdown: nothing to do about it
            }
        }
        loaded.clear();
    }
}
