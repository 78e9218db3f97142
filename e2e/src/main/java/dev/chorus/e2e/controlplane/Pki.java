package dev.chorus.e2e.controlplane;

import dev.chorus.e2e.support.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Throw-away credentials made with openssl (as e2e/kube/smoke.sh does): a CA, the apiserver's serving cert signed by
 * it, the service-account signing key pair, and random bearer tokens for the admin and the controller manager.
 */
public record Pki(Path dir, String adminToken, String controllerManagerToken) {
    public static final String ADMIN_USER = "chorus-admin";

    /**
     * @param serviceIp the ClusterIP of the {@code kubernetes} Service
     * @param apiHost   the address the apiserver listens on (pods reach it there, so it must be a SAN too)
     */
    public static Pki create(Path dir, String serviceIp, String apiHost) {
        try {
            Files.createDirectories(dir);
            String d = dir.toString();
            Shell.check("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=chorus-e2e-ca",
                    "-keyout", d + "/ca.key", "-out", d + "/ca.crt");
            Shell.check("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=kube-apiserver",
                    "-keyout", d + "/apiserver.key", "-out", d + "/apiserver.csr");
            Files.writeString(dir.resolve("apiserver.ext"), String.join("\n",
                    "basicConstraints=CA:FALSE",
                    "keyUsage=digitalSignature,keyEncipherment",
                    "extendedKeyUsage=serverAuth",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
                            + "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:" + serviceIp
                            + ",IP:" + apiHost) + "\n");
            Shell.check("openssl", "x509", "-req", "-in", d + "/apiserver.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                    "-CAcreateserial", "-days", "2", "-out", d + "/apiserver.crt", "-extfile", d + "/apiserver.ext");
            Shell.check("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", d + "/sa.key");
            Shell.check("openssl", "pkey", "-in", d + "/sa.key", "-pubout", "-out", d + "/sa.pub");
            Pki pki = new Pki(dir, token(), token());
            // token,user,uid,"groups"
            Files.writeString(dir.resolve("tokens.csv"),
                    pki.adminToken + "," + ADMIN_USER + "," + ADMIN_USER + ",\"system:masters\"\n"
                            + pki.controllerManagerToken + ",system:kube-controller-manager,system:kube-controller-manager\n");
            return pki;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String token() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    public Path file(String name) {
        return dir.resolve(name);
    }
}
