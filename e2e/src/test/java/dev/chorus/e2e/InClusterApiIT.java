package dev.chorus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A pod reaches the apiserver as an in-cluster client does: KUBERNETES_SERVICE_HOST/PORT from the kubelet, the
 * ServiceAccount token and CA from the projected kube-api-access volume, the server certificate verified.
 */
@LocalKubernetes(shared = true)
class InClusterApiIT {
    static final String NS = "in-cluster";
    static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    @Test
    void podAuthenticatesAsItsServiceAccountThroughTheServiceVariables(TestCluster cluster) {
        KubernetesClient kube = cluster.admin();
        kube.namespaces().resource(Manifests.namespace(NS)).create();
        await("ServiceAccount default in " + NS).atMost(Duration.ofSeconds(60))
                .until(() -> kube.serviceAccounts().inNamespace(NS).withName("default").get() != null);
        // SelfSubjectReview answers who the token is; --cacert without -k checks the certificate covers the address.
        String script = String.join("; ",
                "echo host=$KUBERNETES_SERVICE_HOST port=$KUBERNETES_SERVICE_PORT https=$KUBERNETES_SERVICE_PORT_HTTPS",
                "curl -sS --fail-with-body --cacert " + SA_DIR + "/ca.crt"
                        + " -H \"Authorization: Bearer $(cat " + SA_DIR + "/token)\" -H 'Content-Type: application/json'"
                        + " -d '{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}'"
                        + " https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "rc=$?", "echo", "echo curl-exit=$rc");
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("whoami").endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("c").withImage(cluster.redisImage()).withCommand("sh", "-c", script).endContainer()
                .endSpec().build()).create();
        await("pod whoami to finish").atMost(Duration.ofSeconds(60)).until(() -> {
            Pod p = kube.pods().inNamespace(NS).withName("whoami").get();
            return p.getStatus() != null && ("Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase()));
        });

        String out = cluster.logs(NS, "whoami");
        String api = kube.getMasterUrl().toString(); // https://<host>:<port>/
        String hostPort = api.substring("https://".length()).replaceAll("/$", "");
        String host = hostPort.substring(0, hostPort.indexOf(':'));
        String port = hostPort.substring(hostPort.indexOf(':') + 1);
        assertThat(host).as("the apiserver listens on the pod bridge, not loopback").isNotEqualTo("127.0.0.1");
        assertThat(out).contains("host=" + host + " port=" + port + " https=" + port + "\n")
                .containsPattern("\"username\": ?\"system:serviceaccount:" + NS + ":default\"")
                .contains("curl-exit=0");
    }
}
