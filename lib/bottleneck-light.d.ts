// Bottleneck's build without Redis clustering (which nothing here uses): one
// file to load instead of the full library's forty, at every command's start.
// Same class, same types.
declare module "bottleneck/light" {
  import Bottleneck from "bottleneck";
  export default Bottleneck;
}
