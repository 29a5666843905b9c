package dev.agentrt.worker;

import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.generate.SamplingParams;
import java.nio.charset.StandardCharsets;

/** The sampler settings of a request; a request without a seed gets one derived from its id, so a redo repeats it. */
final class TurnSampling {
    private TurnSampling() {}

    static SamplingParams of(InferenceRequest request) {
        var s = request.getSampling();
        long seed = s.getSeed() != null ? s.getSeed() : seedOf(request.getRequestId());
        try {
            return new SamplingParams(s.getTemperature(), s.getTopK() == null ? 0 : s.getTopK(), s.getTopP(), seed);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("invalid sampling settings: " + e.getMessage(), e);
        }
    }

    /** 64-bit FNV-1a of the UTF-8 id. */
    static long seedOf(String requestId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
