package dev.agentrt.tools.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tier B (shared/docs/sandbox.md §3.3, §3.5; ops/k8s/sandbox): one runner pod per call under a
 * gVisor or Kata/Firecracker RuntimeClass, created through the Kubernetes REST API.
 *
 * <p>Per call: an immutable Secret with the guest's stdin, then the pod ({@link RunnerPod}); a
 * watch follows the pod; once the guest container runs, the executor's own wall clock starts and
 * the container log is followed with {@code limitBytes} = output cap + 1. At the wall limit or
 * the output cap the pod is deleted with {@code gracePeriodSeconds=0}. Exit code, signal and
 * {@code OOMKilled} come from the container status. Afterwards the pod and the Secret are always
 * deleted and their absence verified; anything left is a {@link LaunchResult#sweepProblem()}.
 * Failures to start (image pull, unschedulable past {@link KubernetesSettings#startTimeout()},
 * API refusals) are setup errors: nothing of the call is left, so the slot stays in service.
 */
public final class KubernetesPodLauncher implements Launcher {

    private static final Logger LOG = Logger.getLogger(KubernetesPodLauncher.class.getName());
    /** Container waiting reasons that will not resolve within a call. */
    static final Set<String> FATAL_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");
    /** Terminated reasons that mean the runtime never ran the helper. */
    private static final Set<String> START_FAILURES = Set.of("StartError", "ContainerCannotRun");
    private static final String HELPER_ERROR_PREFIX = "agentrt-sandbox-helper: ";
    private static final int HELPER_ERROR_EXIT = 125;
    /** After the container ended, how long the log stream may take to deliver its tail. */
    private static final Duration LOG_DRAIN = Duration.ofSeconds(3);
    private static final long GONE_POLL_MS = 25;
    private static final int MAX_WATCH_RESTARTS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesApi api;
    private final KubernetesSettings settings;
    private final String instance;

    public KubernetesPodLauncher(KubernetesSettings settings, String instance) {
        if (instance == null || !instance.matches("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?")) {
            throw new IllegalArgumentException("a tier-B instance name is a label value: [a-z0-9], '-' inside, "
                    + "at most 32 characters: " + instance);
        }
        this.settings = settings;
        this.instance = instance;
        this.api = new KubernetesApi(settings);
        if (!settings.image().contains("@sha256:")) {
            LOG.warning(() -> "runner image " + settings.image() + " is not pinned by digest");
        }
    }

    @Override
    public Tier tier() {
        return Tier.B;
    }

    public KubernetesSettings settings() {
        return settings;
    }

    /** The verbs a call and the sweep use; {@link #check} asks the API whether each is allowed. */
    static final List<List<String>> REQUIRED_ACCESS = List.of(
            List.of("create", "pods"), List.of("get", "pods"), List.of("list", "pods"), List.of("watch", "pods"),
            List.of("delete", "pods"), List.of("get", "pods", "log"),
            List.of("create", "secrets"), List.of("get", "secrets"), List.of("list", "secrets"),
            List.of("delete", "secrets"));

    /**
     * The startup check behind tier B (run only when tier B is configured): the API answers, the
     * token is accepted, and every verb the launcher needs is allowed in the runner namespace.
     * Returns a line for the log; throws a {@link KubernetesApiException} saying what to fix.
     */
    public String check() {
        List<String> denied = new ArrayList<>();
        for (List<String> access : REQUIRED_ACCESS) {
            if (!api.allowed(access.get(0), access.get(1), access.size() > 2 ? access.get(2) : null)) {
                denied.add(access.get(0) + " " + access.get(1) + (access.size() > 2 ? "/" + access.get(2) : ""));
            }
        }
        if (!denied.isEmpty()) {
            throw new KubernetesApiException(403, "the executor's service account may not " + String.join(", ", denied)
                    + " in namespace " + settings.namespace() + ": apply ops/k8s/sandbox/namespace.yaml and "
                    + "ops/k8s/sandbox/executor-rbac.yaml (the Role lives in the runner namespace)");
        }
        int leftovers = api.list(api.pods(), RunnerPod.instanceSelector(instance), "runner pods").size();
        return "tier B: " + settings.describe() + "; RBAC allows all " + REQUIRED_ACCESS.size()
                + " verbs; " + leftovers + " runner pod(s) of instance " + instance + " found before the sweep";
    }

    @Override
    public void close() {
        api.close();
    }

    // ---- one call ---------------------------------------------------------------------------

    private sealed interface Event {
        record Seen(JsonNode pod) implements Event {
        }

        record Gone() implements Event {
        }

        record WatchEnded(Throwable error) implements Event {
        }

        record OutputCap() implements Event {
        }
    }

    private enum State { STARTING, RUNNING, KILLED, DONE }

    /** The container's terminated state (or a synthesised one for a pod that failed as a whole). */
    private record Termination(int exitCode, int signal, String reason, String message) {
    }

    /** All mutable state of one call; only the calling thread touches it, streams talk through the queue. */
    private final class Call {
        final String name;
        final SandboxSpec spec;
        final long createdAt = System.nanoTime();
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final BoundedOutput output;
        State state = State.STARTING;
        long runningAt;
        long killedAt;
        long endedAt;
        KillReason killReason;
        Termination termination;
        String setupError;
        String lastWaiting = "no status yet";
        KubernetesApi.Stream watch;
        KubernetesApi.Stream log;
        final CountDownLatch logDone = new CountDownLatch(1);
        volatile Throwable logError;
        int watchRestarts;
        boolean secretMayExist;
        boolean podMayExist;

        Call(String name, SandboxSpec spec) {
            this.name = name;
            this.spec = spec;
            this.output = new BoundedOutput(spec.limits().outputBytes());
        }

        String podPath() {
            return api.pods() + "/" + name;
        }

        String secretPath() {
            return api.secrets() + "/" + name;
        }
    }

    @Override
    public LaunchResult run(SandboxSpec spec, Slot slot) {
        String callId = HexFormat.of().formatHex(randomBytes());
        Call call = new Call(RunnerPod.name(instance, slot, callId), spec);
        boolean interrupted = false;
        try {
            if (spec.stdin().length > RunnerPod.MAX_STDIN_BYTES) {
                call.setupError = "stdin of " + spec.stdin().length + " bytes exceeds tier B's "
                        + RunnerPod.MAX_STDIN_BYTES + " (it travels in a Secret)";
            } else {
                createTracked(call, () -> api.create(api.secrets(),
                        RunnerPod.secret(settings, instance, slot, callId, spec.stdin()), "Secret " + call.name), true);
                JsonNode pod = createTracked(call, () -> api.create(api.pods(),
                        RunnerPod.pod(settings, instance, slot, callId, spec), "Pod " + call.name), false);
                follow(call, pod);
            }
        } catch (SandboxException e) {
            call.setupError = e.getMessage();
        } catch (InterruptedException e) {
            interrupted = true; // restored after the cleanup, which must still reach the API
            if (call.killReason == null) {
                call.killReason = KillReason.EXECUTOR_SHUTDOWN;
                call.killedAt = System.nanoTime();
            }
        } catch (RuntimeException e) {
            call.setupError = "tier B launcher failed: " + e;
            LOG.log(Level.WARNING, "runner pod " + call.name, e);
        } finally {
            stopStreams(call);
        }
        if (call.endedAt == 0) {
            call.endedAt = System.nanoTime();
        }
        long sweepStart = System.nanoTime();
        String sweepProblem = call.secretMayExist || call.podMayExist ? removeAndVerify(call) : null;
        long sweepMs = (System.nanoTime() - sweepStart) / 1_000_000;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result(call, sweepMs, sweepProblem);
    }

    /**
     * Creates the Secret or the pod and records whether it may exist: after success, or after a
     * create without an answer (it may have been applied). An API refusal created nothing.
     */
    private static JsonNode createTracked(Call call, java.util.function.Supplier<JsonNode> create, boolean secret) {
        try {
            JsonNode created = create.get();
            mark(call, secret);
            return created;
        } catch (KubernetesApiException e) {
            if (e.status() == 0) {
                mark(call, secret);
            }
            throw e;
        }
    }

    private static void mark(Call call, boolean secret) {
        if (secret) {
            call.secretMayExist = true;
        } else {
            call.podMayExist = true;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[5];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private void follow(Call call, JsonNode created) throws InterruptedException {
        startWatch(call, created.path("metadata").path("resourceVersion").asText(""));
        long deadline = call.createdAt + settings.startTimeout().toNanos();
        while (call.state != State.DONE) {
            long wait = deadline - System.nanoTime();
            Event event = wait > 0 ? call.events.poll(wait, TimeUnit.NANOSECONDS) : null;
            if (event == null) {
                switch (call.state) {
                    case STARTING -> {
                        // One fresh read before giving up: a watch event may have been missed, and the error
                        // should say what the pod is waiting for.
                        Optional<JsonNode> pod = api.get(call.podPath(), "Pod " + call.name);
                        if (pod.isPresent()) {
                            deadline = observe(call, pod.get(), deadline);
                        }
                        if (call.state == State.STARTING) {
                            call.setupError = "runner pod " + call.name + " did not start within "
                                    + settings.startTimeout().toMillis() + " ms (" + call.lastWaiting + ")";
                            call.state = State.DONE;
                        }
                    }
                    case RUNNING -> {
                        kill(call, KillReason.WALL_CLOCK);
                        deadline = System.nanoTime() + settings.deleteTimeout().toNanos();
                    }
                    default -> call.state = State.DONE; // killed, and no confirmation within the bound
                }
                continue;
            }
            switch (event) {
                case Event.Seen seen -> deadline = observe(call, seen.pod(), deadline);
                case Event.Gone gone -> {
                    if (call.state != State.KILLED) {
                        call.setupError = "runner pod " + call.name + " was deleted outside the executor "
                                + "(eviction, preemption or an operator)";
                    }
                    call.state = State.DONE;
                }
                case Event.WatchEnded ended -> deadline = rewatch(call, ended.error(), deadline);
                case Event.OutputCap cap -> {
                    if (call.state == State.RUNNING) {
                        kill(call, KillReason.OUTPUT_CAP);
                        deadline = System.nanoTime() + settings.deleteTimeout().toNanos();
                    }
                }
            }
        }
        call.endedAt = System.nanoTime();
        if (call.termination != null && call.killReason == null) {
            drainLog(call);
        }
    }

    /** Applies one observed pod state; returns the (possibly new) deadline. */
    private long observe(Call call, JsonNode pod, long deadline) {
        if (call.state == State.DONE) {
            return deadline;
        }
        JsonNode status = pod.path("status");
        JsonNode container = containerStatus(status);
        JsonNode terminated = container.path("state").path("terminated");
        JsonNode waiting = container.path("state").path("waiting");
        String phase = status.path("phase").asText("");
        if (!terminated.isMissingNode()) {
            call.termination = new Termination(terminated.path("exitCode").asInt(-1), terminated.path("signal").asInt(0),
                    terminated.path("reason").asText(""), terminated.path("message").asText(""));
        } else if (phase.equals("Failed") || phase.equals("Succeeded")) {
            // The pod ended as a whole without a container verdict: eviction, activeDeadlineSeconds.
            String reason = status.path("reason").asText("");
            call.termination = new Termination(137, 9, reason, status.path("message").asText(""));
            if (reason.equals("DeadlineExceeded") && call.killReason == null) {
                call.killReason = KillReason.WALL_CLOCK;
                call.killedAt = System.nanoTime();
            }
        }
        if (call.termination != null) {
            if (call.state == State.STARTING && START_FAILURES.contains(call.termination.reason())) {
                call.setupError = "runner container of pod " + call.name + " could not start: "
                        + call.termination.reason() + " " + call.termination.message();
            } else if (call.log == null && call.killReason == null) {
                startLog(call); // a quick guest: the whole log is already there
            }
            call.state = State.DONE;
            return deadline;
        }
        if (!waiting.isMissingNode()) {
            String reason = waiting.path("reason").asText("");
            call.lastWaiting = "container waiting: " + reason + " " + waiting.path("message").asText("");
            if (FATAL_WAITING.contains(reason)) {
                call.setupError = (reason.contains("Image") ? "runner image " + settings.image() + " cannot be pulled: "
                        : "runner container of pod " + call.name + " cannot be created: ") + reason + ": "
                        + waiting.path("message").asText("");
                call.state = State.DONE;
            }
            return deadline;
        }
        if (!container.path("state").path("running").isMissingNode()) {
            if (call.state == State.STARTING) {
                call.state = State.RUNNING;
                call.runningAt = System.nanoTime();
                startLog(call);
                return call.runningAt + call.spec.limits().wallMs() * 1_000_000;
            }
            return deadline;
        }
        for (JsonNode condition : status.path("conditions")) {
            if (condition.path("type").asText().equals("PodScheduled") && condition.path("status").asText().equals("False")) {
                call.lastWaiting = "not scheduled: " + condition.path("reason").asText("") + " "
                        + condition.path("message").asText("");
            }
        }
        return deadline;
    }

    private static JsonNode containerStatus(JsonNode status) {
        for (JsonNode c : status.path("containerStatuses")) {
            if (c.path("name").asText().equals(RunnerPod.CONTAINER)) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The executor's kill: delete at once. The first reason wins. */
    private void kill(Call call, KillReason reason) {
        if (call.killReason == null) {
            call.killReason = reason;
            call.killedAt = System.nanoTime();
        }
        call.state = State.KILLED;
        if (call.log != null) {
            call.log.cancel(); // what was read so far is the output
        }
        try {
            if (!api.delete(call.podPath(), 0, "Pod " + call.name)) {
                call.events.add(new Event.Gone());
            }
        } catch (KubernetesApiException e) {
            // The sweep retries and reports; the deadline below bounds the wait.
            LOG.warning(() -> "killing runner pod " + call.name + " failed: " + e.getMessage());
        }
    }

    private void startWatch(Call call, String resourceVersion) {
        long seconds = Math.max(1, (settings.startTimeout().toMillis() + call.spec.limits().wallMs()
                + settings.deleteTimeout().toMillis()) / 1000 + 5);
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("watch", "true");
        params.put("fieldSelector", "metadata.name=" + call.name);
        if (!resourceVersion.isEmpty()) {
            params.put("resourceVersion", resourceVersion);
        }
        params.put("timeoutSeconds", Long.toString(seconds));
        call.watch = api.stream(api.pods() + KubernetesApi.query(params), "watch Pod " + call.name,
                KubernetesApi.lines(event -> {
                    String type = event.path("type").asText("");
                    JsonNode object = event.path("object");
                    switch (type) {
                        case "ADDED", "MODIFIED" -> call.events.add(new Event.Seen(object));
                        case "DELETED" -> call.events.add(new Event.Gone());
                        case "ERROR" -> call.events.add(new Event.WatchEnded(new KubernetesApiException(
                                object.path("code").asInt(0), "watch error: " + object.path("message").asText(""))));
                        default -> {
                            // BOOKMARK and unknown types carry no state
                        }
                    }
                }, error -> call.events.add(new Event.WatchEnded(error))));
    }

    /** The watch ended before the pod did: read the pod once, then watch again from its version. */
    private long rewatch(Call call, Throwable error, long deadline) {
        if (call.state == State.DONE) {
            return deadline;
        }
        if (call.watch != null) {
            call.watch.cancel();
        }
        if (++call.watchRestarts > MAX_WATCH_RESTARTS) {
            throw new KubernetesApiException(0, "the watch on runner pod " + call.name + " keeps failing: "
                    + (error == null ? "closed" : error.getMessage()));
        }
        if (call.watchRestarts > 1) {
            try {
                Thread.sleep(Math.min(500, 20L * call.watchRestarts));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Optional<JsonNode> pod = api.get(call.podPath(), "Pod " + call.name);
        if (pod.isEmpty()) {
            call.events.add(new Event.Gone());
            return deadline;
        }
        startWatch(call, pod.get().path("metadata").path("resourceVersion").asText(""));
        return observe(call, pod.get(), deadline);
    }

    private void startLog(Call call) {
        int cap = call.spec.limits().outputBytes();
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("container", RunnerPod.CONTAINER);
        params.put("follow", "true");
        params.put("limitBytes", Integer.toString(cap + 1));
        call.log = api.stream(call.podPath() + "/log" + KubernetesApi.query(params), "read the log of Pod " + call.name,
                new KubernetesApi.StreamSink() {
                    @Override
                    public boolean bytes(ByteBuffer chunk) {
                        byte[] bytes = new byte[chunk.remaining()];
                        chunk.get(bytes);
                        if (!call.output.append(bytes, 0, bytes.length)) {
                            call.events.add(new Event.OutputCap());
                            return false;
                        }
                        return true;
                    }

                    @Override
                    public void end(Throwable error) {
                        call.logError = error;
                        call.logDone.countDown();
                    }
                });
    }

    /** The guest ended by itself: let the log stream deliver its tail, then read it again if it broke. */
    private void drainLog(Call call) throws InterruptedException {
        if (call.log == null) {
            return;
        }
        boolean done = call.logDone.await(LOG_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        if ((done && call.logError == null) || call.output.overflowed()) {
            return;
        }
        LOG.fine(() -> "log stream of " + call.name + " " + (done ? "failed: " + call.logError : "did not finish")
                + "; reading it once more");
        call.log.cancel();
        BoundedOutput again = new BoundedOutput(call.spec.limits().outputBytes());
        CountDownLatch finished = new CountDownLatch(1);
        Map<String, String> params = Map.of("container", RunnerPod.CONTAINER,
                "limitBytes", Integer.toString(call.spec.limits().outputBytes() + 1));
        Throwable[] error = new Throwable[1];
        KubernetesApi.Stream retry = api.stream(call.podPath() + "/log" + KubernetesApi.query(params),
                "read the log of Pod " + call.name, new KubernetesApi.StreamSink() {
                    @Override
                    public boolean bytes(ByteBuffer chunk) {
                        byte[] bytes = new byte[chunk.remaining()];
                        chunk.get(bytes);
                        return again.append(bytes, 0, bytes.length);
                    }

                    @Override
                    public void end(Throwable e) {
                        error[0] = e;
                        finished.countDown();
                    }
                });
        if (!finished.await(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            retry.cancel();
        }
        if (error[0] == null) {
            byte[] bytes = again.bytes();
            call.output.replaceWith(bytes, again.overflowed());
        } else {
            call.setupError = "cannot read the output of runner pod " + call.name + ": " + error[0].getMessage();
        }
    }

    private static void stopStreams(Call call) {
        if (call.watch != null) {
            call.watch.cancel();
        }
        if (call.log != null) {
            call.log.cancel();
        }
    }

    // ---- cleanup ----------------------------------------------------------------------------

    /** Deletes the call's pod and Secret and waits until both are gone; null when they are. */
    private String removeAndVerify(Call call) {
        List<String> problems = new ArrayList<>();
        List<String[]> objects = new ArrayList<>();
        if (call.podMayExist) {
            objects.add(new String[] {call.podPath(), "Pod " + call.name});
        }
        if (call.secretMayExist) {
            objects.add(new String[] {call.secretPath(), "Secret " + call.name});
        }
        for (String[] object : objects) {
            try {
                api.delete(object[0], 0, object[1]);
            } catch (KubernetesApiException e) {
                problems.add(e.getMessage());
            }
        }
        long deadline = System.nanoTime() + settings.deleteTimeout().toNanos();
        for (String[] object : objects) {
            String left = awaitGone(object[0], object[1], deadline);
            if (left != null) {
                problems.add(left);
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** Null once the object is gone; otherwise why it is still there at the deadline. */
    private String awaitGone(String path, String what, long deadline) {
        String last = null;
        while (true) {
            try {
                Optional<JsonNode> object = api.get(path, what);
                if (object.isEmpty()) {
                    return null;
                }
                JsonNode metadata = object.get().path("metadata");
                last = what + " still exists " + settings.deleteTimeout().toMillis() + " ms after its deletion"
                        + (metadata.path("deletionTimestamp").isMissingNode() ? "" : " (terminating since "
                        + metadata.path("deletionTimestamp").asText() + ")")
                        + (metadata.path("finalizers").isEmpty() ? "" : ", finalizers " + metadata.path("finalizers"));
            } catch (KubernetesApiException e) {
                last = "cannot verify that " + what + " is gone: " + e.getMessage();
            }
            if (System.nanoTime() >= deadline) {
                return last;
            }
            try {
                Thread.sleep(GONE_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
        }
    }

    @Override
    public void sweepStale(Slot slot) {
        String problem = sweep(RunnerPod.slotSelector(instance, slot), labels -> true);
        if (problem != null) {
            throw new SandboxException("stale runner objects of slot " + slot.index() + " cannot be removed: " + problem);
        }
    }

    /** Removes this instance's runner objects of slots the configuration no longer has. */
    void sweepUnknownSlots(Set<String> knownSlotLabels) {
        String problem = sweep(RunnerPod.instanceSelector(instance),
                labels -> !knownSlotLabels.contains(labels.path(RunnerPod.LABEL_SLOT).asText()));
        if (problem != null) {
            throw new SandboxException("stale runner objects of instance " + instance + " cannot be removed: " + problem);
        }
    }

    private String sweep(String selector, java.util.function.Predicate<JsonNode> matches) {
        List<String[]> doomed = new ArrayList<>();
        for (JsonNode pod : api.list(api.pods(), selector, "runner pods")) {
            if (matches.test(pod.path("metadata").path("labels"))) {
                String name = pod.path("metadata").path("name").asText();
                doomed.add(new String[] {api.pods() + "/" + name, "Pod " + name});
            }
        }
        for (JsonNode secret : api.list(api.secrets(), selector, "runner stdin Secrets")) {
            if (matches.test(secret.path("metadata").path("labels"))) {
                String name = secret.path("metadata").path("name").asText();
                doomed.add(new String[] {api.secrets() + "/" + name, "Secret " + name});
            }
        }
        List<String> problems = new ArrayList<>();
        for (String[] object : doomed) {
            try {
                api.delete(object[0], 0, object[1]);
            } catch (KubernetesApiException e) {
                problems.add(e.getMessage());
            }
        }
        long deadline = System.nanoTime() + settings.deleteTimeout().toNanos();
        for (String[] object : doomed) {
            String left = awaitGone(object[0], object[1], deadline);
            if (left != null) {
                problems.add(left);
            }
        }
        if (!doomed.isEmpty()) {
            LOG.info(() -> "swept " + doomed.size() + " stale runner object(s) (" + selector + ")");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    // ---- result -----------------------------------------------------------------------------

    private LaunchResult result(Call call, long sweepMs, String sweepProblem) {
        byte[] bytes = call.output.bytes();
        int exitCode;
        int signal;
        boolean oom = false;
        String setupError = call.setupError;
        Termination t = call.termination;
        if (t != null && setupError == null) {
            exitCode = t.exitCode();
            signal = t.signal() > 0 ? t.signal() : exitCode > 128 && exitCode <= 128 + 64 ? exitCode - 128 : 0;
            oom = t.reason().equals("OOMKilled");
            if (exitCode == HELPER_ERROR_EXIT) {
                String text = new String(bytes, StandardCharsets.UTF_8);
                if (text.startsWith(HELPER_ERROR_PREFIX)) {
                    setupError = text.lines().findFirst().orElse(text);
                }
            }
            if (!t.reason().isEmpty() && !t.reason().equals("Completed") && !t.reason().equals("Error") && !oom) {
                LOG.info(() -> "runner pod " + call.name + " ended: " + t.reason() + " " + t.message());
            }
        } else if (call.killReason != null && setupError == null) {
            exitCode = 128 + 9; // deleted with grace 0: the runtime kills the sandbox
            signal = 9;
        } else {
            exitCode = -1;
            signal = 0;
        }
        if (setupError != null) {
            bytes = new byte[0];
        }
        long wallMs = (call.endedAt - call.createdAt) / 1_000_000;
        long killToExitMs = call.killReason == null ? -1 : Math.max(0, (call.endedAt - call.killedAt) / 1_000_000);
        return new LaunchResult(exitCode, signal, setupError == null ? call.killReason : null, oom,
                signal == 24 /* SIGXCPU: RLIMIT_CPU, the CPU limit of tier B */, bytes,
                setupError == null && call.output.overflowed(), wallMs, -1, -1, sweepMs, killToExitMs, setupError,
                List.of(), Tier.B, sweepProblem);
    }
}
