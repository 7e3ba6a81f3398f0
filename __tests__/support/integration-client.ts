import { AivenClient } from "../../lib/aiven/aiven-client";
import { AivenServiceIntegration } from "../../lib/aiven/aiven-types";

const integrationPath = (project: string, id?: string) =>
  `/v1/project/${encodeURIComponent(project)}/integration${id === undefined ? "" : `/${encodeURIComponent(id)}`}`;

/**
 * The Aiven client with the integration calls only tests make (production
 * never creates, reads by id, or deletes a DR link: Terraform does), through
 * the client's own request path (its budget, retries and error handling).
 */
export class IntegrationClient extends AivenClient {
  async getIntegration(project: string, id: string): Promise<AivenServiceIntegration> {
    return (
      await this.call<{ service_integration: AivenServiceIntegration }>(
        "get",
        integrationPath(project, id),
        undefined,
        "service_integration",
      )
    ).service_integration;
  }

  async createIntegration(
    project: string,
    spec: { integration_type: string; source_service: string; dest_service: string },
  ): Promise<AivenServiceIntegration> {
    return (
      await this.call<{ service_integration: AivenServiceIntegration }>(
        "post",
        integrationPath(project),
        spec,
        "service_integration",
      )
    ).service_integration;
  }

  async deleteIntegration(project: string, id: string): Promise<void> {
    await this.call("delete", integrationPath(project, id));
  }
}
