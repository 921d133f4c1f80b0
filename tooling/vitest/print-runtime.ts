export default function printRuntime(): void {
  console.log(`[runtime] Node.js ${process.version} (${process.platform}-${process.arch})`);
}
