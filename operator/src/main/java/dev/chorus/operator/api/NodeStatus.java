package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One node as last observed: its role, readiness and replication position. The offset and lag are as of the last
 * status change (they alone do not cause status writes).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {
    private String name;
    private String role;
    private Boolean ready;
    private String address;
    private Long offset;
    private Long lag;
    private String linkStatus;

    public NodeStatus() {
    }

    public NodeStatus(String name, String role, Boolean ready, String address, Long offset, Long lag,
                      String linkStatus) {
        this.name = name;
        this.role = role;
        this.ready = ready;
        this.address = address;
        this.offset = offset;
        this.lag = lag;
        this.linkStatus = linkStatus;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public Boolean getReady() {
        return ready;
    }

    public void setReady(Boolean ready) {
        this.ready = ready;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public Long getOffset() {
        return offset;
    }

    public void setOffset(Long offset) {
        this.offset = offset;
    }

    public Long getLag() {
        return lag;
    }

    public void setLag(Long lag) {
        this.lag = lag;
    }

    public String getLinkStatus() {
        return linkStatus;
    }

    public void setLinkStatus(String linkStatus) {
        this.linkStatus = linkStatus;
    }
}
