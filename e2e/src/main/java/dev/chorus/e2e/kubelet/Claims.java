package dev.chorus.e2e.kubelet;

import dev.chorus.e2e.host.BedSlot;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Dynamic provisioning for PersistentVolumeClaims, done by the kubelet since there is no volume provisioner: each
 * claim gets a directory {@code <state>/claims/<ns>/<claim>-<uid>} and a hostPath PersistentVolume
 * {@code pvc-<uid>} bound to it (claimRef, volumeName, both Bound). The directory outlives pods, so a StatefulSet
 * pod recreated with the same claim finds its data; it is deleted with the claim.
 */
final class Claims {
    private final KubernetesClient client;
    private final Path root;

    Claims(KubernetesClient client, Path root) {
        this.client = client;
        this.root = root;
    }

    Path backingDir(String ns, String claimName) throws ConfigError {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(ns).withName(claimName).get();
        if (pvc == null) {
            throw new ConfigError("persistentvolumeclaim \"" + claimName + "\" not found");
        }
        if (pvc.getMetadata().getDeletionTimestamp() != null) {
            throw new ConfigError("persistentvolumeclaim \"" + claimName + "\" is being deleted");
        }
        Path dir = dirFor(pvc);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                PodVolumes.worldWritable(dir); // as hostPath/local-path provisioners make it (0777): non-root images write
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!"Bound".equals(pvc.getStatus() == null ? null : pvc.getStatus().getPhase())) {
            bind(pvc, dir);
        }
        return dir;
    }

    private Path dirFor(PersistentVolumeClaim pvc) {
        return root.resolve(pvc.getMetadata().getNamespace())
                .resolve(pvc.getMetadata().getName() + "-" + pvc.getMetadata().getUid());
    }

    private void bind(PersistentVolumeClaim pvc, Path dir) {
        String pvName = "pvc-" + pvc.getMetadata().getUid();
        var spec = pvc.getSpec();
        Quantity size = spec.getResources() != null && spec.getResources().getRequests() != null
                ? spec.getResources().getRequests().getOrDefault("storage", new Quantity("1Gi")) : new Quantity("1Gi");
        List<String> modes = spec.getAccessModes() == null || spec.getAccessModes().isEmpty()
                ? List.of("ReadWriteOnce") : spec.getAccessModes();
        PersistentVolume pv = new PersistentVolumeBuilder()
                .withNewMetadata().withName(pvName)
                .addToAnnotations("pv.kubernetes.io/provisioned-by", "chorus-bed").endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", size))
                .withAccessModes(modes)
                .withPersistentVolumeReclaimPolicy("Delete")
                .withStorageClassName(spec.getStorageClassName())
                .withVolumeMode("Filesystem")
                .withNewHostPath().withPath(dir.toString()).withType("Directory").endHostPath()
                .withNewClaimRef().withKind("PersistentVolumeClaim").withApiVersion("v1")
                .withNamespace(pvc.getMetadata().getNamespace()).withName(pvc.getMetadata().getName())
                .withUid(pvc.getMetadata().getUid()).endClaimRef()
                .endSpec().build();
        try {
            client.persistentVolumes().resource(pv).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        client.persistentVolumes().withName(pvName).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Bound\"}}");
        var claim = client.persistentVolumeClaims().inNamespace(pvc.getMetadata().getNamespace()).withName(pvc.getMetadata().getName());
        if (spec.getVolumeName() == null || spec.getVolumeName().isEmpty()) {
            claim.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"volumeName\":\"" + pvName + "\"},"
                    + "\"metadata\":{\"annotations\":{\"pv.kubernetes.io/bind-completed\":\"yes\",\"pv.kubernetes.io/bound-by-controller\":\"yes\"}}}");
        }
        claim.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", Map.of(
                "phase", "Bound", "accessModes", modes, "capacity", Map.of("storage", size.toString())))));
    }

    /** A claim is gone: its volume and directory go too (reclaim policy Delete). */
    void released(PersistentVolumeClaim pvc) {
        try {
            client.persistentVolumes().withName("pvc-" + pvc.getMetadata().getUid()).delete();
        } catch (KubernetesClientException ignored) {
            // the cluster may be shutting down
        }
        BedSlot.deleteTree(dirFor(pvc));
    }
}
