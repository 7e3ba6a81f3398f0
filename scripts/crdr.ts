import { runCrdr } from "../lib/cli/crdr-program";

runCrdr(process.argv, __dirname);
