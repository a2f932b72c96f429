package io.syncabel.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** LLM-written (or offline, template-written) contextual training examples for a KB's concepts. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames("synth")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ApiGroup.READY_STATUS, type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ApiGroup.READY_REASON, type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Examples", jsonPath = ".status.examples", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Shards", jsonPath = ".status.shardsDone", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "ETA", jsonPath = ".status.estimatedCompletionTime", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Output", jsonPath = ".status.outputUri", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Message", jsonPath = ApiGroup.READY_MESSAGE, type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SyntheticDataset extends CustomResource<SyntheticDatasetSpec, SyntheticDatasetStatus> implements Namespaced {
    /** A resource without a spec is refused by the API server ({@code required: [spec]}). */
    @Override
    @Required
    public SyntheticDatasetSpec getSpec() {
        return super.getSpec();
    }
}
